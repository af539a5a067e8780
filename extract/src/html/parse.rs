//! The tokenizer and tree builder behind [`Document::parse`].

use std::borrow::Cow;

use memchr::{memchr, memmem};

use super::{Attr, Document, NONE, Node, NodeData, NodeId};
use crate::text::decode_entities;

/// Deeper elements become siblings of the deepest allowed one.
const MAX_DEPTH: usize = 256;
/// Past this many nodes, the rest of the page is not parsed.
const MAX_NODES: usize = 4_000_000;

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "basefont"
            | "bgsound"
            | "frame"
    )
}

fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "textarea"
            | "title"
    )
}

/// Elements an end tag for an inline element cannot close across.
fn is_block_boundary(name: &str) -> bool {
    matches!(
        name,
        "html"
            | "body"
            | "div"
            | "table"
            | "tbody"
            | "thead"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dd"
            | "dt"
            | "section"
            | "article"
            | "aside"
            | "header"
            | "footer"
            | "nav"
            | "main"
            | "form"
            | "template"
            | "object"
            | "button"
            | "select"
            | "fieldset"
            | "figure"
            | "blockquote"
            | "p"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
    )
}

/// Elements whose start closes an open `p`.
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "ul"
    )
}

fn lower(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

struct Builder<'a> {
    doc: Document<'a>,
    stack: Vec<NodeId>,
    /// Depth of svg/math elements on the stack: `/>` closes elements there.
    foreign: usize,
}

impl<'a> Builder<'a> {
    fn append(&mut self, data: NodeData<'a>) -> NodeId {
        let parent = self.stack.last().copied().unwrap_or(0);
        let id = self.doc.nodes.len() as NodeId;
        self.doc.nodes.push(Node {
            data,
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
        });
        let p = &mut self.doc.nodes[parent as usize];
        let prev = p.last_child;
        p.last_child = id;
        if prev == NONE {
            p.first_child = id;
        } else {
            self.doc.nodes[prev as usize].next_sibling = id;
        }
        id
    }

    fn top_name(&self) -> Option<&str> {
        self.stack.last().and_then(|&id| self.doc.name(id))
    }

    fn pop_to(&mut self, depth: usize) {
        while self.stack.len() > depth {
            if let Some(id) = self.stack.pop()
                && matches!(self.doc.name(id), Some("svg" | "math"))
            {
                self.foreign = self.foreign.saturating_sub(1);
            }
        }
    }

    /// Position in the stack of the nearest open `target`, searching down to
    /// (not across) any of `stop`.
    fn find_open(&self, targets: &[&str], stop: &[&str]) -> Option<usize> {
        for (i, &id) in self.stack.iter().enumerate().rev() {
            let name = self.doc.name(id)?;
            if targets.contains(&name) {
                return Some(i);
            }
            if stop.contains(&name) {
                return None;
            }
        }
        None
    }

    fn implied_ends(&mut self, name: &str) {
        const LIST_STOP: &[&str] = &["ul", "ol", "menu", "table", "td", "th", "body", "html"];
        let found = match name {
            "li" => self.find_open(&["li"], LIST_STOP),
            "dt" | "dd" => {
                self.find_open(&["dt", "dd"], &["dl", "table", "td", "th", "body", "html"])
            }
            "tr" => self.find_open(&["tr"], &["table", "tbody", "thead", "tfoot", "html"]),
            "td" | "th" => self.find_open(&["td", "th"], &["tr", "table", "html"]),
            "tbody" | "thead" | "tfoot" => {
                self.find_open(&["tbody", "thead", "tfoot"], &["table", "html"])
            }
            "option" | "optgroup" => match self.top_name() {
                Some("option") => Some(self.stack.len() - 1),
                _ => None,
            },
            _ => None,
        };
        if let Some(i) = found {
            self.pop_to(i);
        }
        if closes_p(name) || matches!(name, "li" | "dt" | "dd") {
            if let Some(i) = self.find_open(
                &["p"],
                &["div", "td", "th", "li", "button", "table", "body", "html"],
            ) {
                self.pop_to(i);
            }
            if matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                && matches!(
                    self.top_name(),
                    Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6")
                )
            {
                let d = self.stack.len() - 1;
                self.pop_to(d);
            }
        }
    }

    fn end_tag(&mut self, name: &str) {
        if matches!(name, "html" | "body" | "br" | "head") {
            return;
        }
        let block = is_block_boundary(name);
        for i in (1..self.stack.len()).rev() {
            let Some(open) = self.doc.name(self.stack[i]) else {
                continue;
            };
            if open == name {
                self.pop_to(i);
                return;
            }
            if matches!(
                open,
                "table" | "td" | "th" | "template" | "body" | "html" | "object"
            ) || (!block && is_block_boundary(open))
            {
                return;
            }
        }
    }
}

/// Finds `</name` (any case) followed by whitespace, `/` or `>` at or after
/// `from`; returns the position of the `<`.
fn find_raw_end(src: &[u8], from: usize, name: &str) -> Option<usize> {
    let finder = memmem::Finder::new(b"</");
    let n = name.len();
    let mut at = from;
    while let Some(off) = finder.find(&src[at..]) {
        let lt = at + off;
        let s = lt + 2;
        if s + n <= src.len() && src[s..s + n].eq_ignore_ascii_case(name.as_bytes()) {
            match src.get(s + n) {
                None => return Some(lt),
                Some(&b) if is_ws(b) || b == b'/' || b == b'>' => return Some(lt),
                _ => {}
            }
        }
        at = lt + 2;
    }
    None
}

impl<'a> Document<'a> {
    /// Parses a whole page. Never fails: anything it cannot read becomes text
    /// or is skipped.
    pub fn parse(src: &'a str) -> Document<'a> {
        let bytes = src.as_bytes();
        let mut b = Builder {
            doc: Document {
                nodes: Vec::with_capacity(src.len() / 64 + 16),
                attrs: Vec::with_capacity(src.len() / 96 + 16),
            },
            stack: Vec::with_capacity(64),
            foreign: 0,
        };
        b.doc.nodes.push(Node {
            data: NodeData::Document,
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
        });
        b.stack.push(0);
        let len = bytes.len();
        let mut pos = 0;
        let mut text_start = 0;
        while pos < len {
            if b.doc.nodes.len() >= MAX_NODES {
                break;
            }
            let Some(off) = memchr(b'<', &bytes[pos..]) else {
                break;
            };
            let lt = pos + off;
            let next = bytes.get(lt + 1).copied().unwrap_or(0);
            if next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?' {
                if lt > text_start {
                    b.append(NodeData::Text(&src[text_start..lt]));
                }
            } else {
                pos = lt + 1;
                continue;
            }
            match next {
                b'!' => {
                    let end = if bytes[lt..].starts_with(b"<!--") {
                        memmem::find(&bytes[lt + 4..], b"-->").map_or(len, |e| lt + 4 + e + 3)
                    } else if bytes[lt..].starts_with(b"<![CDATA[") {
                        memmem::find(&bytes[lt + 9..], b"]]>").map_or(len, |e| lt + 9 + e + 3)
                    } else {
                        memchr(b'>', &bytes[lt..]).map_or(len, |e| lt + e + 1)
                    };
                    pos = end;
                    text_start = end;
                }
                b'?' => {
                    let end = memchr(b'>', &bytes[lt..]).map_or(len, |e| lt + e + 1);
                    pos = end;
                    text_start = end;
                }
                b'/' => {
                    let s = lt + 2;
                    let mut e = s;
                    while e < len && !is_ws(bytes[e]) && bytes[e] != b'>' && bytes[e] != b'/' {
                        e += 1;
                    }
                    let gt = memchr(b'>', &bytes[e..]).map_or(len, |x| e + x + 1);
                    if e > s && bytes[s].is_ascii_alphabetic() {
                        let name = lower(&src[s..e]);
                        b.end_tag(&name);
                    }
                    pos = gt;
                    text_start = gt;
                }
                _ => {
                    let (end, name, attrs, self_closing) =
                        parse_start_tag(src, lt + 1, &mut b.doc.attrs);
                    let name_s = name.clone();
                    b.implied_ends(&name_s);
                    let id = b.append(NodeData::Element { name, attrs });
                    pos = end;
                    text_start = end;
                    if is_void(&name_s) || (self_closing && b.foreign > 0) {
                        continue;
                    }
                    if self_closing && matches!(&*name_s, "svg" | "math") {
                        continue;
                    }
                    if is_raw_text(&name_s) {
                        let close = find_raw_end(bytes, end, &name_s).unwrap_or(len);
                        if close > end {
                            b.stack.push(id);
                            b.append(NodeData::Text(&src[end..close]));
                            b.stack.pop();
                        }
                        let after = if close < len {
                            memchr(b'>', &bytes[close..]).map_or(len, |x| close + x + 1)
                        } else {
                            len
                        };
                        pos = after;
                        text_start = after;
                        continue;
                    }
                    if name_s == "plaintext" {
                        if end < len {
                            b.stack.push(id);
                            b.append(NodeData::Text(&src[end..]));
                            b.stack.pop();
                        }
                        pos = len;
                        text_start = len;
                        continue;
                    }
                    if b.stack.len() < MAX_DEPTH {
                        if matches!(&*name_s, "svg" | "math") {
                            b.foreign += 1;
                        }
                        b.stack.push(id);
                    }
                }
            }
        }
        if text_start < len && b.doc.nodes.len() < MAX_NODES {
            b.append(NodeData::Text(&src[text_start..]));
        }
        b.doc
    }
}

/// Parses a start tag whose name begins at `s`; returns the position after
/// `>`, the name, the attribute range and whether it ended in `/>`.
fn parse_start_tag<'a>(
    src: &'a str,
    s: usize,
    attrs: &mut Vec<Attr<'a>>,
) -> (usize, Cow<'a, str>, (u32, u32), bool) {
    let bytes = src.as_bytes();
    let len = bytes.len();
    let mut i = s;
    while i < len && !is_ws(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
        i += 1;
    }
    let name = lower(&src[s..i]);
    let first = attrs.len() as u32;
    let mut self_closing = false;
    loop {
        while i < len && (is_ws(bytes[i]) || bytes[i] == b'/') {
            self_closing = bytes[i] == b'/';
            i += 1;
        }
        if i >= len {
            break;
        }
        if bytes[i] == b'>' {
            i += 1;
            break;
        }
        self_closing = false;
        let ns = i;
        i += 1;
        while i < len && !is_ws(bytes[i]) && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let aname = &src[ns..i];
        while i < len && is_ws(bytes[i]) {
            i += 1;
        }
        let mut value: &str = "";
        if i < len && bytes[i] == b'=' {
            i += 1;
            while i < len && is_ws(bytes[i]) {
                i += 1;
            }
            if i < len && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let q = bytes[i];
                let vs = i + 1;
                let ve = memchr(q, &bytes[vs..]).map_or(len, |x| vs + x);
                value = &src[vs..ve];
                i = (ve + 1).min(len);
            } else {
                let vs = i;
                while i < len && !is_ws(bytes[i]) && bytes[i] != b'>' {
                    i += 1;
                }
                value = &src[vs..i];
            }
        }
        if attrs.len() - first as usize >= 256 {
            continue;
        }
        let lname = lower(aname);
        if attrs[first as usize..].iter().any(|a| a.name == lname) {
            continue;
        }
        attrs.push(Attr {
            name: lname,
            value: decode_entities(value),
        });
    }
    (i, name, (first, attrs.len() as u32), self_closing)
}
