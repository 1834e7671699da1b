//! Finds where a key path sits in a YAML text, for errors found after parsing.

use yaml_rust2::parser::{Event, Parser};

/// A 1-based line and column in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

enum Node {
    Map(Vec<(String, Position, Node)>),
    Seq(Vec<(Position, Node)>),
    /// A scalar, with its text as written when it is plain (unquoted).
    Leaf(Option<String>),
}

/// Position of the key (or sequence item) at the end of `path`, or of the
/// deepest part of it that exists.
pub fn locate(source: &str, path: &[String]) -> Option<Position> {
    Locator::new(source).locate(path)
}

/// The key positions of one text, read once and asked many times.
pub struct Locator(Option<Node>);

impl Locator {
    /// Reads the positions of `source`.
    pub fn new(source: &str) -> Self {
        Self(tree(source))
    }

    /// Like [`locate`], without reading the text again.
    pub fn locate(&self, path: &[String]) -> Option<Position> {
        walk(self.0.as_ref()?, path).0
    }

    /// The unquoted scalar values of the mapping at exactly `path`, by key, as written
    /// (`08.10`, not `8.1`).
    pub fn plain_scalars(&self, path: &[String]) -> std::collections::HashMap<&str, &str> {
        let mut node = self.0.as_ref();
        for segment in path {
            node = match node {
                Some(Node::Map(entries)) => entries.iter().find(|(key, _, _)| key == segment).map(|(_, _, child)| child),
                _ => None,
            };
        }
        match node {
            Some(Node::Map(entries)) => entries
                .iter()
                .filter_map(|(key, _, child)| match child {
                    Node::Leaf(Some(text)) => Some((key.as_str(), text.as_str())),
                    _ => None,
                })
                .collect(),
            _ => std::collections::HashMap::new(),
        }
    }
}

/// Position of the second `key` in the mapping at `path`: where a duplicate is.
pub fn locate_duplicate(source: &str, path: &[String], key: &str) -> Option<Position> {
    let root = tree(source)?;
    let (_, node) = walk(&root, path);
    match node {
        Node::Map(entries) => entries.iter().filter(|(k, _, _)| k == key).nth(1).map(|(_, pos, _)| *pos),
        _ => None,
    }
}

fn tree(source: &str) -> Option<Node> {
    let mut parser = Parser::new_from_str(source);
    let root = loop {
        match parser.next_token().ok()?.0 {
            Event::StreamStart | Event::DocumentStart | Event::Nothing => continue,
            Event::StreamEnd | Event::DocumentEnd => return None,
            start => break read_node(&mut parser, start)?,
        }
    };
    Some(root)
}

/// The position of the deepest part of `path` that exists, and the node there.
fn walk<'a>(root: &'a Node, path: &[String]) -> (Option<Position>, &'a Node) {
    let mut node = root;
    let mut found = None;
    for segment in path {
        let next = match node {
            Node::Map(entries) => entries
                .iter()
                .find(|(key, _, _)| key == segment)
                .map(|(_, pos, child)| (*pos, child)),
            Node::Seq(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get(i))
                .map(|(pos, child)| (*pos, child)),
            Node::Leaf(_) => None,
        };
        match next {
            Some((pos, child)) => {
                found = Some(pos);
                node = child;
            }
            None => break,
        }
    }
    (found, node)
}

fn position(marker: yaml_rust2::scanner::Marker) -> Position {
    Position { line: marker.line(), column: marker.col() + 1 }
}

fn read_node(parser: &mut Parser<std::str::Chars<'_>>, start: Event) -> Option<Node> {
    match start {
        Event::MappingStart(..) => {
            let mut entries = Vec::new();
            loop {
                let (event, marker) = parser.next_token().ok()?;
                let key = match event {
                    Event::MappingEnd => return Some(Node::Map(entries)),
                    Event::Scalar(text, ..) => text,
                    other => {
                        // Complex keys are not used in the schema; skip them.
                        read_node(parser, other)?;
                        String::new()
                    }
                };
                let (value, _) = parser.next_token().ok()?;
                let child = read_node(parser, value)?;
                entries.push((key, position(marker), child));
            }
        }
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                let (event, marker) = parser.next_token().ok()?;
                if matches!(event, Event::SequenceEnd) {
                    return Some(Node::Seq(items));
                }
                let child = read_node(parser, event)?;
                items.push((position(marker), child));
            }
        }
        Event::Scalar(text, yaml_rust2::scanner::TScalarStyle::Plain, ..) => Some(Node::Leaf(Some(text))),
        _ => Some(Node::Leaf(None)),
    }
}

#[cfg(test)]
mod tests {
    use super::{locate, Position};

    fn path(p: &str) -> Vec<String> {
        p.split('.').map(str::to_owned).collect()
    }

    #[test]
    fn finds_nested_keys_and_items() {
        let text = "a:\n  b:\n    - x\n    - y\n  c: 1\n";
        assert_eq!(locate(text, &path("a.c")), Some(Position { line: 5, column: 3 }));
        assert_eq!(locate(text, &path("a.b.1")), Some(Position { line: 4, column: 7 }));
        assert_eq!(locate(text, &path("a.missing")), Some(Position { line: 1, column: 1 }));
    }

    #[test]
    fn finds_the_second_of_two_equal_keys() {
        let text = "a:\n  b: 1\n  c: 2\n  b: 3\n";
        assert_eq!(super::locate_duplicate(text, &path("a"), "b"), Some(Position { line: 4, column: 3 }));
    }
}
