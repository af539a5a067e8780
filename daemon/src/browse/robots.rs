//! robots.txt: the groups that apply to us and longest-match Allow/Disallow
//! (RFC 9309).

/// The user agent the rules are read for; `*` groups apply otherwise.
pub const AGENT: &str = "procura";

/// A group: its user agents, then its (allow, pattern) rules.
type Group = (Vec<String>, Vec<(bool, String)>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Robots {
    /// (allow, path pattern) of the group that applies.
    rules: Vec<(bool, String)>,
}

impl Robots {
    /// Everything allowed (no robots.txt, or one that says nothing).
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Everything refused (robots.txt could not be read because the server
    /// failed: RFC 9309 says to assume complete disallow).
    pub fn disallow_all() -> Robots {
        Robots {
            rules: vec![(false, "/".into())],
        }
    }

    pub fn parse(text: &str) -> Robots {
        // Groups: one or more user-agent lines, then rules.
        let mut groups: Vec<Group> = Vec::new();
        let mut in_agents = false;
        for line in text.lines().take(10_000) {
            let line = line.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim().to_ascii_lowercase(), value.trim());
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push((Vec::new(), Vec::new()));
                        in_agents = true;
                    }
                    if let Some(g) = groups.last_mut() {
                        g.0.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut()
                        && !value.is_empty()
                    {
                        g.1.push((key == "allow", value.to_string()));
                    }
                }
                _ => {}
            }
        }
        let ours = groups
            .iter()
            .filter(|(agents, _)| {
                agents
                    .iter()
                    .any(|a| AGENT.starts_with(a.as_str()) && a != "*")
            })
            .flat_map(|(_, rules)| rules.clone())
            .collect::<Vec<_>>();
        let rules = if ours.is_empty() {
            groups
                .iter()
                .filter(|(agents, _)| agents.iter().any(|a| a == "*"))
                .flat_map(|(_, rules)| rules.clone())
                .collect()
        } else {
            ours
        };
        Robots { rules }
    }

    /// Whether a path (with its query) may be fetched.
    pub fn allows(&self, path: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if matches(pattern, path) {
                let len = pattern.len();
                // Longest match wins; on a tie, allow wins.
                if best.is_none_or(|(l, a)| len > l || (len == l && *allow && !a)) {
                    best = Some((len, *allow));
                }
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// `*` matches any run of characters and a trailing `$` anchors the end.
fn matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            pos = part.len();
            continue;
        }
        match path[pos..].find(part) {
            Some(found) => pos += found + part.len(),
            None => return false,
        }
    }
    if anchored {
        parts.last().is_some_and(|last| last.is_empty()) || pos == path.len()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_longest_match() {
        let robots = Robots::parse(
            "User-agent: *\nDisallow: /cart\nDisallow: /search\nAllow: /search/products\n\n\
             User-agent: BadBot\nDisallow: /\n",
        );
        assert!(robots.allows("/p/chair-1"));
        assert!(!robots.allows("/cart/add?id=1"));
        assert!(!robots.allows("/search?q=x"));
        assert!(robots.allows("/search/products?q=x"));

        let ours =
            Robots::parse("User-agent: procura\nDisallow: /private\nUser-agent: *\nDisallow: /\n");
        assert!(ours.allows("/p/1"));
        assert!(!ours.allows("/private/x"));

        let wild = Robots::parse("User-agent: *\nDisallow: /*.pdf$\nDisallow: /tmp*/x\n");
        assert!(!wild.allows("/a/b.pdf"));
        assert!(wild.allows("/a/b.pdf?x=1"));
        assert!(!wild.allows("/tmp123/x"));
        assert!(Robots::parse("garbage\n\0\u{1b}[31m").allows("/x"));
        assert!(!Robots::disallow_all().allows("/"));
    }
}
