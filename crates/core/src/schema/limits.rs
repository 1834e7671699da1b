//! What a schema file may cost before it is parsed: its size, its nesting depth, the
//! expansion of its YAML aliases and its number of documents. Each is refused with a
//! position in well under a second, whatever the input (docs/schema.md, "Limits").

use yaml_rust2::parser::{Event, Parser};

use super::Position;

/// Largest schema file read, in bytes (a real one is a few kilobytes).
pub const MAX_SCHEMA_BYTES: usize = 1 << 20;
/// Deepest nesting of mappings and sequences (the schema itself needs 5).
pub const MAX_DEPTH: usize = 64;
/// Most nodes that aliases (`*name`) may add when expanded.
pub const MAX_ALIAS_NODES: usize = 10_000;
/// Most bytes of text that aliases may add when expanded.
pub const MAX_ALIAS_BYTES: usize = 4 << 20;
/// Most environments in one schema.
pub const MAX_ENVIRONMENTS: usize = 200;
/// Longest generated secret, in characters or random bytes.
pub const MAX_SECRET_LENGTH: u32 = 4096;

/// Why a schema text is refused before parsing: where, what, and what to do.
pub struct Refusal {
    /// Where, when known.
    pub position: Option<Position>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Refusal {
    fn at(line: usize, column: usize, message: String, hint: &str) -> Self {
        Self { position: Some(Position { line, column }), message, hint: hint.to_owned() }
    }
}

/// Checks a schema text's size, nesting and aliases without building it.
pub fn precheck(source: &str) -> Result<(), Refusal> {
    if source.len() > MAX_SCHEMA_BYTES {
        return Err(Refusal {
            position: None,
            message: format!("the file is {} bytes; a schema may have at most {MAX_SCHEMA_BYTES}", source.len()),
            hint: "a schema lists environments and secrets; move large data out of it".into(),
        });
    }
    depth(source)?;
    events(source)
}

/// The nesting depth as the text shows it (indentation levels plus open `[`/`{`),
/// found in one pass before any parser runs: yaml-rust2's scanner itself slows to tens
/// of seconds on 100,000 open `[` (the event pass below counts the other notations).
fn depth(source: &str) -> Result<(), Refusal> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (number, line) in source.lines().enumerate() {
        let trimmed = line.trim_start_matches([' ', '-']);
        if flow == 0 && !trimmed.is_empty() && !trimmed.starts_with('#') {
            let indent = line.len() - trimmed.len();
            while indents.last().is_some_and(|i| *i >= indent) {
                indents.pop();
            }
            indents.push(indent);
        }
        let (mut single, mut double) = (false, false);
        let mut previous = ' ';
        for (column, c) in line.chars().enumerate() {
            match c {
                '\'' if !double => single = !single,
                '"' if !single && previous != '\\' => double = !double,
                '#' if !single && !double && previous.is_whitespace() => break,
                // `[`/`{` open a collection only where a node starts (`a[` is plain text).
                '[' | '{' if !single && !double && (previous.is_whitespace() || ":-,[{".contains(previous)) => flow += 1,
                ']' | '}' if !single && !double => flow = flow.saturating_sub(1),
                _ => {}
            }
            if indents.len() + flow > MAX_DEPTH {
                return Err(Refusal::at(
                    number + 1,
                    column + 1,
                    format!("the file nests deeper than {MAX_DEPTH} levels"),
                    "a schema needs five levels; check for a runaway `[` or `{`",
                ));
            }
            previous = c;
        }
    }
    Ok(())
}

/// One pass over the YAML events: one document only, and aliases that expand to a
/// bounded number of nodes and bytes (a "billion laughs" is refused at its alias).
fn events(source: &str) -> Result<(), Refusal> {
    // Per anchor id: the nodes and bytes of the node it names.
    let mut anchored: Vec<(usize, usize, usize)> = Vec::new();
    // Every open mapping or sequence; anchored ones with (anchor id, nodes and bytes
    // counted when it opened).
    let mut open: Vec<Option<(usize, usize, usize)>> = Vec::new();
    let (mut nodes, mut bytes, mut added_nodes, mut added_bytes, mut documents) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut parser = Parser::new_from_str(source);
    loop {
        // A syntax error is left to the full parse, which positions it.
        let Ok((event, marker)) = parser.next_token() else { return Ok(()) };
        let at = |message: String, hint: &str| Refusal::at(marker.line(), marker.col() + 1, message, hint);
        match event {
            Event::StreamEnd => return Ok(()),
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(at(
                        "the file holds more than one YAML document".into(),
                        "a schema is one document: remove the second `---` and what follows, or merge them",
                    ));
                }
            }
            Event::Scalar(text, _, anchor, _) => {
                nodes += 1;
                bytes += text.len();
                if anchor > 0 {
                    anchored.push((anchor, 1, text.len()));
                }
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                nodes += 1;
                open.push((anchor > 0).then_some((anchor, nodes, bytes)));
                // The parser's own nesting, whatever the notation (`- - - …` on one line too).
                if open.len() > MAX_DEPTH {
                    return Err(at(
                        format!("the file nests deeper than {MAX_DEPTH} levels"),
                        "a schema needs five levels; check for runaway nesting here",
                    ));
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(Some((anchor, start_nodes, start_bytes))) = open.pop() {
                    anchored.push((anchor, nodes - start_nodes + 1, bytes - start_bytes));
                }
            }
            Event::Alias(anchor) => {
                let (n, b) = anchored.iter().rev().find(|(a, _, _)| *a == anchor).map(|(_, n, b)| (*n, *b)).unwrap_or((1, 0));
                added_nodes = added_nodes.saturating_add(n);
                added_bytes = added_bytes.saturating_add(b);
                nodes = nodes.saturating_add(n);
                bytes = bytes.saturating_add(b);
                if added_nodes > MAX_ALIAS_NODES || added_bytes > MAX_ALIAS_BYTES {
                    return Err(at(
                        format!("aliases (`*name`) expand this file beyond {MAX_ALIAS_NODES} nodes or {} MiB", MAX_ALIAS_BYTES >> 20),
                        "use fewer aliases, or write the values out",
                    ));
                }
            }
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{precheck, MAX_DEPTH};

    fn refused(source: &str) -> String {
        match precheck(source) {
            Ok(()) => panic!("accepted"),
            Err(r) => format!("{}:{}", r.position.map(|p| p.line).unwrap_or(0), r.message),
        }
    }

    #[test]
    fn a_deeply_nested_file_is_refused_at_the_line_where_it_gets_too_deep() {
        let flow = format!("a: {}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(refused(&flow).starts_with("1:the file nests deeper than 64"), "{}", refused(&flow));
        let block: String = (0..80).map(|i| format!("{}k{i}:\n", " ".repeat(i * 2))).collect();
        assert!(refused(&block).starts_with(&format!("{}:", MAX_DEPTH + 1)), "{}", refused(&block));
    }

    #[test]
    fn a_billion_laughs_is_refused_at_its_alias() {
        let mut text = String::from("x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (i, name) in ["b", "c", "d", "e", "f", "g"].iter().enumerate() {
            let previous = ["a", "b", "c", "d", "e", "f"][i];
            text.push_str(&format!("x-{name}: &{name} [{}]\n", vec![format!("*{previous}"); 9].join(",")));
        }
        assert!(refused(&text).contains("aliases"), "{}", refused(&text));
        let big = format!("x: &big \"{}\"\ny: [{}]\n", "a".repeat(600_000), vec!["*big"; 8].join(","));
        assert!(refused(&big).contains("aliases"), "{}", refused(&big));
    }

    #[test]
    fn nesting_is_counted_in_every_notation() {
        let dashes = format!("{}x\n", "- ".repeat(500));
        assert!(refused(&dashes).contains("nests deeper"), "{}", refused(&dashes));
        let after_plain: String = std::iter::once("a: b[\n".to_owned()).chain((0..80).map(|i| format!("{}k{i}:\n", " ".repeat(i * 2)))).collect();
        assert!(refused(&after_plain).contains("nests deeper"), "{}", refused(&after_plain));
        assert!(precheck("a: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n  still the same text\"\n").is_ok());
    }

    #[test]
    fn a_second_document_and_an_oversized_file_are_refused() {
        assert!(refused("version: 1\n---\nversion: 2\n").starts_with("2:the file holds more than one YAML document"));
        assert!(refused(&"#".repeat(2 << 20)).contains("at most"));
    }

    #[test]
    fn an_ordinary_schema_with_a_few_aliases_passes() {
        let text = "version: 1\nx-common: &common { gpu: false, memory: 2GB }\nenvironments:\n  dev:\n    requires: *common\n  test:\n    requires: *common\n";
        assert!(precheck(text).is_ok());
    }
}
