//! A small, fast, forgiving HTML parser that builds a flat tree.
//!
//! It follows the parts of the HTML tokenizer and tree builder that matter
//! for reading product pages (raw-text elements, void elements, implied end
//! tags for `p`, `li`, `dt`/`dd`, table rows and cells, `option`, end tags
//! that cannot close across block boundaries) and ignores the rest. It never
//! recurses, borrows names and text from the source, decodes attribute values
//! only when they hold an `&`, and caps nesting depth and node count, so a
//! hostile page costs time linear in its size and cannot overflow the stack.
//!
//! `html5ever` (through `scraper`) builds a spec-exact DOM but reads these
//! pages at about 120 pages/s on one core before any extraction is done; this
//! parser reads them several times faster. A test compares the two on the
//! parts extraction depends on.

use std::borrow::Cow;

use crate::text::decode_entities;

mod parse;

/// Index of a node in [`Document::nodes`].
pub type NodeId = u32;
/// No node.
pub const NONE: NodeId = u32::MAX;

/// One attribute, name lowercased, value with entities decoded.
#[derive(Debug, Clone)]
pub struct Attr<'a> {
    pub name: Cow<'a, str>,
    pub value: Cow<'a, str>,
}

/// What a node is.
#[derive(Debug, Clone)]
pub enum NodeData<'a> {
    Document,
    /// An element: lowercased name and its attributes' range in
    /// [`Document::attrs`].
    Element {
        name: Cow<'a, str>,
        attrs: (u32, u32),
    },
    /// Raw text, entities not yet decoded (script and style text is never
    /// decoded).
    Text(&'a str),
}

/// A node of the tree; links are indices into [`Document::nodes`].
#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub data: NodeData<'a>,
    pub parent: NodeId,
    pub first_child: NodeId,
    pub last_child: NodeId,
    pub next_sibling: NodeId,
}

/// A parsed page. Node 0 is the document.
#[derive(Debug)]
pub struct Document<'a> {
    pub nodes: Vec<Node<'a>>,
    pub attrs: Vec<Attr<'a>>,
}

impl<'a> Document<'a> {
    /// The lowercased element name, or `None` for text and the document.
    pub fn name(&self, id: NodeId) -> Option<&str> {
        match &self.nodes.get(id as usize)?.data {
            NodeData::Element { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The attributes of an element (empty for other nodes).
    pub fn attrs(&self, id: NodeId) -> &[Attr<'a>] {
        match self.nodes.get(id as usize).map(|n| &n.data) {
            Some(NodeData::Element { attrs: (s, e), .. }) => &self.attrs[*s as usize..*e as usize],
            _ => &[],
        }
    }

    /// The value of attribute `name` (lowercase) on an element.
    pub fn attr(&self, id: NodeId, name: &str) -> Option<&str> {
        self.attrs(id)
            .iter()
            .find(|a| a.name == name)
            .map(|a| &*a.value)
    }

    /// Ids of all elements, in document order.
    pub fn elements(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.data, NodeData::Element { .. }))
            .map(|(i, _)| i as NodeId)
    }

    /// Children of a node.
    pub fn children(&self, id: NodeId) -> Children<'_, 'a> {
        let first = self.nodes.get(id as usize).map_or(NONE, |n| n.first_child);
        Children {
            doc: self,
            next: first,
        }
    }

    /// Parent of a node, if any.
    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        let p = self.nodes.get(id as usize)?.parent;
        (p != NONE).then_some(p)
    }

    /// Ancestors of a node, nearest first (the document last).
    pub fn ancestors(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        let mut cur = self.parent(id);
        std::iter::from_fn(move || {
            let c = cur?;
            cur = self.parent(c);
            Some(c)
        })
    }

    /// The last node inside `id` (itself when it has no children); nodes
    /// are stored in document order, so `id..=last_descendant(id)` is the
    /// subtree.
    pub fn last_descendant(&self, id: NodeId) -> NodeId {
        let mut cur = id;
        while let Some(n) = self.nodes.get(cur as usize) {
            if n.last_child == NONE {
                break;
            }
            cur = n.last_child;
        }
        cur
    }

    /// The raw text of a node's only text child (script and style content).
    pub fn raw_text(&self, id: NodeId) -> &'a str {
        let mut out = "";
        for c in self.children(id) {
            if let Some(NodeData::Text(t)) = self.nodes.get(c as usize).map(|n| &n.data) {
                out = t;
                break;
            }
        }
        out
    }

    /// Visible text of a subtree: entities decoded, whitespace collapsed,
    /// script, style, template and hidden inputs left out; capped at `max`
    /// bytes.
    pub fn text(&self, id: NodeId, max: usize) -> String {
        let mut out = String::new();
        self.text_into(id, max, &mut out);
        crate::text::collapse_ws(&out)
    }

    fn text_into(&self, id: NodeId, max: usize, out: &mut String) {
        let last = self.last_descendant(id);
        let mut i = id;
        while i <= last && (i as usize) < self.nodes.len() {
            match &self.nodes[i as usize].data {
                NodeData::Text(t) => {
                    out.push_str(&decode_entities(t));
                    if out.len() >= max {
                        return;
                    }
                    i += 1;
                }
                NodeData::Element { name, .. } => {
                    if matches!(
                        &**name,
                        "script" | "style" | "template" | "noscript" | "title" | "textarea"
                    ) && i != id
                    {
                        i = self.last_descendant(i) + 1;
                        continue;
                    }
                    if matches!(
                        &**name,
                        "br" | "p"
                            | "div"
                            | "li"
                            | "td"
                            | "th"
                            | "tr"
                            | "dt"
                            | "dd"
                            | "h1"
                            | "h2"
                            | "h3"
                    ) {
                        out.push(' ');
                    }
                    i += 1;
                }
                NodeData::Document => i += 1,
            }
        }
    }
}

/// Iterator over a node's children.
pub struct Children<'d, 'a> {
    doc: &'d Document<'a>,
    next: NodeId,
}

impl Iterator for Children<'_, '_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self
            .doc
            .nodes
            .get(id as usize)
            .map_or(NONE, |n| n.next_sibling);
        Some(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(doc: &Document<'_>, name: &str) -> Vec<NodeId> {
        doc.elements()
            .filter(|&i| doc.name(i) == Some(name))
            .collect()
    }

    #[test]
    fn builds_a_tree_with_attributes_and_text() {
        let doc = Document::parse(
            r#"<html><body><div id="a" class='x y'>Hi &amp; <b>bye</b></div></body></html>"#,
        );
        let div = find(&doc, "div")[0];
        assert_eq!(doc.attr(div, "id"), Some("a"));
        assert_eq!(doc.attr(div, "class"), Some("x y"));
        assert_eq!(doc.text(div, 1000), "Hi & bye");
    }

    #[test]
    fn script_is_raw_text() {
        let doc = Document::parse("<script>if (a<b) { x = '</div>'; }</script><p>t</p>");
        let s = find(&doc, "script")[0];
        assert_eq!(doc.raw_text(s), "if (a<b) { x = '</div>'; }");
        assert_eq!(find(&doc, "p").len(), 1);
    }

    #[test]
    fn implied_end_tags() {
        let doc =
            Document::parse("<ul><li>a<li>b</ul><table><tr><td>1<td>2<tr><td>3</table><p>x<p>y");
        let lis = find(&doc, "li");
        assert_eq!(lis.len(), 2);
        assert_eq!(doc.parent(lis[1]), doc.parent(lis[0]));
        let tds = find(&doc, "td");
        assert_eq!(tds.len(), 3);
        assert_eq!(doc.text(tds[0], 100), "1");
        let ps = find(&doc, "p");
        assert_eq!(doc.parent(ps[1]), doc.parent(ps[0]));
    }

    #[test]
    fn stray_end_tags_do_not_close_blocks() {
        let doc = Document::parse("<div><span>a</div>b</span>c</div>");
        let div = find(&doc, "div")[0];
        assert_eq!(doc.text(div, 100), "a");
    }

    #[test]
    fn hostile_input_does_not_panic() {
        let deep = "<div>".repeat(100_000);
        let doc = Document::parse(&deep);
        assert!(doc.nodes.len() > 1000);
        for junk in [
            "<",
            "<a",
            "<a href=\"",
            "<!--",
            "<![CDATA[",
            "</",
            "<a =x>",
            "&#xFFFFFFFF;",
            "<script>",
            "\u{0}<\u{1}>",
        ] {
            let _ = Document::parse(junk);
        }
    }

    #[test]
    fn void_and_self_closing() {
        let doc =
            Document::parse(r#"<meta name="a" content="b"><div/>x<svg><path/><g/></svg><br/>y"#);
        let meta = find(&doc, "meta")[0];
        assert_eq!(doc.nodes[meta as usize].first_child, NONE);
        let g = find(&doc, "g")[0];
        assert_eq!(doc.nodes[g as usize].first_child, NONE);
    }
}
