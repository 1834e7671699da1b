//! Env files read exactly as Compose reads them (a port of compose-go's dotenv parser).
//!
//! Docker Compose v2 reads `.env` and `--env-file` files with compose-go's `dotenv`
//! package (`parser.go`, `godotenv.go`) and expands `$VAR` in their values with its
//! `template` package. This module follows that code rule for rule, quirks included:
//!
//! * blank space and `#` comment lines are skipped; a leading UTF-8 BOM is dropped;
//! * `export` and blank space before a key are ignored; a key ends at the first `=`
//!   or `:` (so `KEY: value` works too) and may hold letters, digits, `_ . - [ ]`;
//! * a line holding only a key takes the lookup's value (the OS environment),
//!   and is left out when the lookup has none;
//! * an unquoted value runs to the end of its line, cut at the first ` #`, trailing
//!   blank space removed;
//! * `'single quotes'` are literal (only `\'` is unescaped) and may span lines;
//! * `"double quotes"` may span lines and understand `\a \b \f \n \r \t \v \\ \" \$`
//!   and `\0ooo` (octal);
//! * unquoted and double-quoted values expand `$VAR`, `${VAR}`, `${VAR:-default}`,
//!   `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`, `${VAR:?error}`, `${VAR?error}`
//!   and `$$`, a name being looked up first in the lookup, then in the keys read so far.
//!
//! What the parser leaves to its caller stays with the caller: in the CLI the OS
//! environment wins over the file for keys defined in both.
//!
//! Known differences, all on odd input: a key holding a combining mark (Rust's
//! `is_alphabetic` takes marks that Go's `IsLetter` refuses) is accepted; nesting
//! deeper than 200 levels is an error; error messages quote unassigned code points
//! as they are where Go escapes them; and expansion errors, which Compose reports
//! without a line, get the assignment's.

use std::collections::HashMap;
use std::ops::Range;

/// One assignment in an env file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The variable's name (`export` and blank space removed).
    pub key: String,
    /// Its value, unquoted, unescaped and expanded.
    pub value: String,
    /// 1-based first line of the assignment.
    pub first_line: usize,
    /// 1-based last line of the assignment (later than `first_line` for multi-line quoted values).
    pub last_line: usize,
}

/// Why an env file could not be read, with its 1-based line.
///
/// `message` is compose-go's text, without its `line N: ` prefix. The line is the one
/// Compose names; for failed `${VAR:?error}` and invalid `${` expansions, which
/// Compose reports without a line, it is the first line of the assignment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct DotenvError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong, in Compose's words.
    pub message: String,
}

/// Every assignment in file order (a key may appear more than once; the last one wins in Compose).
///
/// `lookup` is asked first for every `$VAR` and for keys written without a value.
pub fn entries(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Vec<Entry>, DotenvError> {
    read_entries(text, lookup, &[])
}

/// The values Compose ends up with: one pair per key, in order of first appearance, last value winning.
pub fn parse(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Vec<(String, String)>, DotenvError> {
    parse_after(text, lookup, &[])
}

/// [`parse`] for a file read after others, as Compose reads `--env-file a --env-file b`:
/// `earlier` holds the values read so far, which this file's `$VAR`s see after the
/// lookup's until the file redefines them. Returns this file's pairs only; the caller
/// lets them win over `earlier`.
pub fn parse_after(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    earlier: &[(String, String)],
) -> Result<Vec<(String, String)>, DotenvError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for entry in read_entries(text, lookup, earlier)? {
        match index.get(&entry.key).and_then(|&i| pairs.get_mut(i)) {
            Some(pair) => pair.1 = entry.value,
            None => {
                index.insert(entry.key.clone(), pairs.len());
                pairs.push((entry.key, entry.value));
            }
        }
    }
    Ok(pairs)
}

fn read_entries(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    earlier: &[(String, String)],
) -> Result<Vec<Entry>, DotenvError> {
    // compose-go drops a UTF-8 byte order mark (some Windows editors write one).
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let values = earlier.iter().cloned().collect();
    Parser { text, rest: text, line: 1, lines: LineIndex::default(), lookup, values }.run()
}

/// How deep `${A:-${B:-…}}` may nest before reading gives up (Go has no limit, but
/// its stacks grow; ours do not).
const MAX_NESTING: usize = 200;

/// compose-go's `parser`, walking the text statement by statement.
struct Parser<'t, 'l> {
    text: &'t str,
    /// What is left to read.
    rest: &'t str,
    /// compose-go's line counter, quoted by its error messages (quirks included:
    /// a bare key followed by blank space does not count its line).
    line: usize,
    /// Real line numbers, for entries.
    lines: LineIndex,
    lookup: &'l dyn Fn(&str) -> Option<String>,
    /// The values read so far, which later `$VAR`s see after the lookup's.
    values: HashMap<String, String>,
}

impl Parser<'_, '_> {
    fn run(mut self) -> Result<Vec<Entry>, DotenvError> {
        let mut entries = Vec::new();
        loop {
            self.skip_blanks_and_comments();
            if self.rest.is_empty() {
                return Ok(entries);
            }
            let first_line = self.lines.line_at(self.text, self.offset(self.rest));
            let (key, inherited, key_end) = self.key()?;
            if key.contains(' ') {
                return Err(self.error("key cannot contain a space"));
            }
            let (value, value_end) = if inherited {
                // A bare key takes the lookup's value, or is left out.
                let Some(value) = (self.lookup)(&key) else { continue };
                (value, key_end)
            } else {
                self.value(first_line)?
            };
            let last_line = self.lines.line_at(self.text, value_end);
            self.values.insert(key.clone(), value.clone());
            entries.push(Entry { key, value, first_line, last_line });
        }
    }

    /// Byte offset of `part` (a tail of the text) in the text.
    fn offset(&self, part: &str) -> usize {
        self.text.len().saturating_sub(part.len())
    }

    fn error(&self, message: impl Into<String>) -> DotenvError {
        DotenvError { line: self.line, message: message.into() }
    }

    /// `getStatementStart`: skips blank space (Unicode's, newlines included) and `#` lines.
    fn skip_blanks_and_comments(&mut self) {
        loop {
            let trimmed = self.rest.trim_start();
            let skipped = self.rest.get(..self.rest.len() - trimmed.len()).unwrap_or("");
            self.line += skipped.matches('\n').count();
            self.rest = trimmed;
            if !self.rest.starts_with('#') {
                return;
            }
            // The newline stays, to be counted by the next round.
            self.rest = self.rest.find('\n').and_then(|i| self.rest.get(i..)).unwrap_or("");
        }
    }

    /// `locateKeyName`: the key, whether it stands alone on its line (inherited), and
    /// the offset of the character that ended it.
    fn key(&mut self) -> Result<(String, bool, usize), DotenvError> {
        let mut src = self.rest;
        // `^export\s+` (Go's `\s` is `[\t\n\f\r ]`), then only non-newline blank space is trimmed.
        if let Some(after) = src.strip_prefix("export") {
            if after.starts_with(['\t', '\n', '\x0c', '\r', ' ']) {
                src = after.trim_start_matches(is_space);
            }
        }
        if src.is_empty() {
            return Err(self.error("zero length string"));
        }
        // A key ends at `=`, `:` (YAML style) or a newline (no value: inherited).
        let mut end = None;
        for (i, c) in src.char_indices() {
            match c {
                '=' | ':' | '\n' => {
                    end = Some((i, c == '\n'));
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if is_space(c) || c.is_alphabetic() || c.is_numeric() => {}
                c => {
                    let first_line = src.split('\n').next().unwrap_or(src);
                    return Err(self.error(format!(
                        "unexpected character {} in variable name {}",
                        go_quote(&c.to_string()),
                        go_quote(first_line)
                    )));
                }
            }
        }
        // With no `=`, `:` or newline left in the file, Go's key stays empty and the whole
        // rest becomes its value: a last line `FOO` without newline reads as `=FOO`.
        let (key, after, inherited) = match end {
            Some((i, inherited)) => (src.get(..i).unwrap_or(""), src.get(i + 1..).unwrap_or(""), inherited),
            None => ("", src, false),
        };
        let key_end = self.offset(after).saturating_sub(1);
        if inherited && !key.contains(' ') {
            self.line += 1;
        }
        self.rest = after.trim_start_matches(is_space);
        Ok((key.trim_end().to_string(), inherited, key_end))
    }

    /// `extractVarValue`: the value and the offset of its last character.
    fn value(&mut self, first_line: usize) -> Result<(String, usize), DotenvError> {
        match self.rest.chars().next() {
            Some(quote @ ('"' | '\'')) => self.quoted(quote, first_line),
            _ => self.unquoted(first_line),
        }
    }

    /// An unquoted value: the rest of the line, cut at ` #`, trailing space trimmed, expanded.
    fn unquoted(&mut self, first_line: usize) -> Result<(String, usize), DotenvError> {
        let start = self.offset(self.rest);
        let (line, rest) = self.rest.split_once('\n').unwrap_or((self.rest, ""));
        self.line += 1;
        self.rest = rest;
        let value = line.split(" #").next().unwrap_or(line).trim_end();
        Ok((self.expand(value, first_line)?, start))
    }

    /// A quoted value, up to the first quote not preceded by a backslash. Backslashes
    /// are kept except before the quote; double-quoted values are then unescaped and expanded.
    fn quoted(&mut self, quote: char, first_line: usize) -> Result<(String, usize), DotenvError> {
        let src = self.rest;
        let mut chars = String::new();
        let mut escaped = false;
        for (i, c) in src.char_indices().skip(1) {
            if c == '\n' {
                self.line += 1;
            }
            if c == quote && !escaped {
                let end = self.offset(src) + i;
                self.rest = src.get(i + 1..).unwrap_or("");
                if quote == '\'' {
                    return Ok((chars, end));
                }
                return Ok((self.expand(&expand_escapes(&chars), first_line)?, end));
            }
            if c == quote || escaped {
                // `\"` (or `\'`) keeps the quote alone; any other `\x` stays `\x`.
                if c != quote {
                    chars.push('\\');
                }
                escaped = false;
                chars.push(c);
            } else if c == '\\' {
                escaped = true;
            } else {
                chars.push(c);
            }
        }
        let first = src.split('\n').next().unwrap_or(src);
        Err(self.error(format!("unterminated quoted value {first}")))
    }

    /// `expandVariables`: `$VAR`s name the lookup's variables first, then the file's.
    fn expand(&self, value: &str, line: usize) -> Result<String, DotenvError> {
        let mapping = |name: &str| (self.lookup)(name).or_else(|| self.values.get(name).cloned());
        substitute(value, &mapping, 0).map_err(|e| DotenvError { line, message: e.message() })
    }
}

/// Go's `isSpace` in the parser: blank space that is not a line break.
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}')
}

/// Turns byte offsets into 1-based line numbers, for offsets that mostly grow.
#[derive(Default)]
struct LineIndex {
    offset: usize,
    newlines: usize,
}

impl LineIndex {
    fn line_at(&mut self, text: &str, offset: usize) -> usize {
        if offset < self.offset {
            *self = LineIndex::default();
        }
        let counted = text.as_bytes().get(self.offset..offset).unwrap_or_default();
        self.newlines += counted.iter().filter(|&&b| b == b'\n').count();
        self.offset = offset.max(self.offset);
        self.newlines + 1
    }
}

/// `expandEscapes`: Go's escapes in double-quoted values. `\$` becomes `$$`, which
/// expansion then turns into a literal `$`; unknown escapes stay as written.
fn expand_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        let simple = match after.chars().next() {
            Some('a') => Some("\x07"),
            Some('b') => Some("\x08"),
            Some('f') => Some("\x0c"),
            Some('n') => Some("\n"),
            Some('r') => Some("\r"),
            Some('t') => Some("\t"),
            Some('v') => Some("\x0b"),
            Some('$') => Some("$$"),
            Some('"') => Some("\""),
            Some('\\') => Some("\\"),
            _ => None,
        };
        if let Some(replacement) = simple {
            out.push_str(replacement);
            rest = after.get(1..).unwrap_or("");
        } else if let Some(tail) = after.strip_prefix('0') {
            let digits = tail.bytes().take(3).take_while(u8::is_ascii_digit).count();
            out.push_str(&octal_escape(tail.get(..digits).unwrap_or("")));
            rest = tail.get(digits..).unwrap_or("");
        } else {
            out.push('\\');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `\0` and up to three digits: Go rewrites it to `\ddd` and unquotes that, which works
/// for exactly three octal digits up to 377; otherwise the rewritten text is kept.
fn octal_escape(digits: &str) -> String {
    let value = digits.bytes().try_fold(0u32, |v, d| (b'0'..=b'7').contains(&d).then(|| v * 8 + u32::from(d - b'0')));
    match value {
        Some(v) if digits.len() == 3 && v <= 255 => char::from_u32(v).map(String::from).unwrap_or_default(),
        _ => format!("\\{digits}"),
    }
}

/// Why expansion failed.
enum TemplateError {
    /// A `${` with no valid `name}` after it; holds the template Compose was working on.
    Invalid(String),
    /// `${VAR:?reason}` or `${VAR?reason}` with `VAR` missing.
    Missing { variable: String, reason: String },
    /// Nesting beyond [`MAX_NESTING`].
    TooDeep,
}

impl TemplateError {
    fn message(&self) -> String {
        match self {
            TemplateError::Invalid(template) => format!("Invalid template: {}", go_quote(template)),
            TemplateError::Missing { variable, reason } if reason.is_empty() => {
                format!("required variable {variable} is missing a value")
            }
            TemplateError::Missing { variable, reason } => {
                format!("required variable {variable} is missing a value: {reason}")
            }
            TemplateError::TooDeep => format!("variables nested more than {MAX_NESTING} deep"),
        }
    }
}

/// What compose-go's pattern matched at a `$`:
/// `\$(?i:(\$)|([_a-z][_a-z0-9]*)|{(?:([_a-z][_a-z0-9]*(?::?[-+?](.*))?)}|()))`.
enum Match {
    /// `$$`.
    Escaped,
    /// `$name`, ending at the offset.
    Named(usize),
    /// `${name}` or `${name<op>…}`: where the name ends, the operator, where the match ends.
    Braced { name_end: usize, op: Option<Op>, end: usize },
    /// `${` without a valid continuation.
    Invalid,
}

/// An expansion operator: `-`, `+` or `?`, with or without a leading `:`.
#[derive(Clone, Copy)]
struct Op {
    colon: bool,
    kind: u8,
}

type Mapping<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// `template.Substitute`: replaces every match of Compose's pattern, left to right.
fn substitute(template: &str, mapping: &Mapping, depth: usize) -> Result<String, TemplateError> {
    if depth > MAX_NESTING {
        return Err(TemplateError::TooDeep);
    }
    let mut out = String::with_capacity(template.len());
    let mut pos = 0;
    // Compose substitutes what follows an applied `${VAR<op>…}` inside its match as a
    // template of its own, and an invalid `${` there quotes only that part.
    let mut own: Range<usize> = 0..template.len();
    let mut braces = LastBrace::default();
    while let Some(found) = template.get(pos..).and_then(|rest| rest.find('$')) {
        let start = pos + found;
        out.push_str(template.get(pos..start).unwrap_or(""));
        if start >= own.end {
            own = 0..template.len();
        }
        let text = |range: Range<usize>| template.get(range).unwrap_or("");
        pos = match match_at(template, start, &mut braces) {
            None => {
                out.push('$');
                start + 1
            }
            Some(Match::Escaped) => {
                out.push('$');
                start + 2
            }
            Some(Match::Named(end)) => {
                out.push_str(&mapping(text(start + 1..end)).unwrap_or_default());
                end
            }
            Some(Match::Braced { name_end, op: None, end }) => {
                out.push_str(&mapping(text(start + 2..name_end)).unwrap_or_default());
                end
            }
            Some(Match::Braced { name_end, op: Some(op), end }) => {
                // The match runs to the line's last `}`; Compose cuts it at the brace that
                // closes this `${` and substitutes the remainder on its own.
                let closing = first_closing_brace(text(start..end)).map(|i| start + i);
                let arg_start = name_end + if op.colon { 2 } else { 1 };
                let arg = text(arg_start..closing.unwrap_or(end.saturating_sub(1)));
                out.push_str(&apply(op, text(start + 2..name_end), arg, mapping, depth)?);
                match closing {
                    Some(c) => {
                        own = c + 1..end;
                        c + 1
                    }
                    None => end,
                }
            }
            Some(Match::Invalid) => return Err(TemplateError::Invalid(text(own).to_string())),
        };
    }
    out.push_str(template.get(pos..).unwrap_or(""));
    Ok(out)
}

/// The operators' rules: `-` default if unset, `+` alternative if set, `?` error if
/// unset; with `:`, an empty value counts as unset. Defaults and messages are expanded too.
fn apply(op: Op, name: &str, arg: &str, mapping: &Mapping, depth: usize) -> Result<String, TemplateError> {
    let value = mapping(name);
    let missing = value.as_deref().is_none_or(|v| op.colon && v.is_empty());
    match op.kind {
        b'-' if missing => substitute(arg, mapping, depth + 1),
        b'+' if !missing => substitute(arg, mapping, depth + 1),
        b'?' if missing => {
            Err(TemplateError::Missing { variable: name.to_string(), reason: substitute(arg, mapping, depth + 1)? })
        }
        _ => Ok(value.unwrap_or_default()),
    }
}

/// Matches Compose's pattern at `start` (a `$`), as Go's leftmost-first regexp would.
fn match_at(s: &str, start: usize, braces: &mut LastBrace) -> Option<Match> {
    let b = s.as_bytes();
    match b.get(start + 1) {
        Some(b'$') => Some(Match::Escaped),
        Some(b'{') => Some(braced(s, start + 2, braces).unwrap_or(Match::Invalid)),
        _ => {
            let end = name_end(s, start + 1);
            (end > start + 1).then_some(Match::Named(end))
        }
    }
}

/// The braced alternative after `${`: a name, then `}`, or an operator and everything
/// up to the last `}` of the line (`.*` is greedy and stops at newlines).
fn braced(s: &str, from: usize, braces: &mut LastBrace) -> Option<Match> {
    let name_end = name_end(s, from);
    if name_end == from {
        return None;
    }
    let b = s.as_bytes();
    for colon in [true, false] {
        let op_at = if colon { name_end + 1 } else { name_end };
        if colon && b.get(name_end) != Some(&b':') {
            continue;
        }
        if let Some(&kind @ (b'-' | b'+' | b'?')) = b.get(op_at) {
            if let Some(last) = braces.find(s, op_at + 1) {
                return Some(Match::Braced { name_end, op: Some(Op { colon, kind }), end: last + 1 });
            }
        }
    }
    (b.get(name_end) == Some(&b'}')).then_some(Match::Braced { name_end, op: None, end: name_end + 1 })
}

/// End of `[_a-z][_a-z0-9]*` (case-insensitive, so Go's case folding also lets in
/// `ſ` and the Kelvin sign `K`) starting at `from`; `from` itself when there is no name.
fn name_end(s: &str, from: usize) -> usize {
    let mut end = from;
    for c in s.get(from..).unwrap_or("").chars() {
        let letter = c.is_ascii_alphabetic() || c == '_' || c == '\u{17f}' || c == '\u{212a}';
        if !(letter || (end > from && c.is_ascii_digit())) {
            break;
        }
        end += c.len_utf8();
    }
    end
}

/// `getFirstBraceClosingIndex`: the `}` that brings the count of open braces back to
/// zero, the character after each `{` being skipped.
fn first_closing_brace(s: &str) -> Option<usize> {
    let mut open = 0isize;
    let mut bytes = s.bytes().enumerate();
    while let Some((i, b)) = bytes.next() {
        if b == b'}' {
            open -= 1;
            if open == 0 {
                return Some(i);
            }
        }
        if b == b'{' {
            open += 1;
            bytes.next();
        }
    }
    None
}

/// Remembers the last `}` of the line being scanned, so that each `${VAR<op>` on a
/// long line does not search it again.
#[derive(Default)]
struct LastBrace {
    valid: Range<usize>,
    last: Option<usize>,
}

impl LastBrace {
    /// The last `}` at or after `from` and before the next newline.
    fn find(&mut self, s: &str, from: usize) -> Option<usize> {
        if !(self.valid.start <= from && from <= self.valid.end && self.valid.end > 0) {
            let tail = s.get(from..).unwrap_or("");
            let line = tail.split('\n').next().unwrap_or(tail);
            self.valid = from..from + line.len();
            self.last = line.rfind('}').map(|i| from + i);
        }
        self.last.filter(|&i| i >= from)
    }
}

/// Go's `strconv.Quote` (used by `%q` and `%#v`), close enough for error messages:
/// non-printable characters are escaped.
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if c < ' ' || c == '\x7f' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if is_printable(c) => out.push(c),
            c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// Go's `unicode.IsPrint`, short of unassigned code points: not a control, format,
/// private-use or separator character (the ASCII space excepted).
fn is_printable(c: char) -> bool {
    let format = matches!(u32::from(c),
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x180e
        | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff
        | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3
        | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f);
    let private = matches!(u32::from(c), 0xe000..=0xf8ff | 0xf0000..);
    c == ' ' || !(c.is_control() || c.is_whitespace() || format || private)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn read(text: &str) -> Vec<(String, String)> {
        match parse(text, &no_env) {
            Ok(pairs) => pairs,
            Err(e) => panic!("{text:?} should parse: {e}"),
        }
    }

    fn read_with(text: &str, env: &[(&str, &str)]) -> Vec<(String, String)> {
        let lookup = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string());
        match parse(text, &lookup) {
            Ok(pairs) => pairs,
            Err(e) => panic!("{text:?} should parse: {e}"),
        }
    }

    fn failure(text: &str) -> DotenvError {
        match parse(text, &no_env) {
            Ok(pairs) => panic!("{text:?} should fail, read {pairs:?}"),
            Err(e) => e,
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn single_quotes_are_literal() {
        assert_eq!(read("A=x\nB='$A \\n ${A:-y} \\'q\\''"), pairs(&[("A", "x"), ("B", "$A \\n ${A:-y} 'q'")]));
    }

    #[test]
    fn double_quotes_unescape_expand_and_span_lines() {
        let text = "A=x\nB=\"one\\ttwo\nthree \\\"$A\\\" \\$A \\\\ \\q\"\nC=after";
        assert_eq!(read(text), pairs(&[("A", "x"), ("B", "one\ttwo\nthree \"x\" $A \\ \\q"), ("C", "after")]));
    }

    #[test]
    fn octal_escapes_follow_go() {
        assert_eq!(read(r#"A="\0123|\012|\0|\0777|\00123""#), pairs(&[("A", "S|\\12|\\|\\777|\n3")]));
    }

    #[test]
    fn export_yaml_style_and_spaces_around_the_sign_are_accepted() {
        let text = "export A=1\n  B : 2\nC= 3 \nexportD=4\nE.F-G[0]=5\n";
        let expected = [("A", "1"), ("B", "2"), ("C", "3"), ("exportD", "4"), ("E.F-G[0]", "5")];
        assert_eq!(read(text), pairs(&expected));
    }

    #[test]
    fn inline_comments_need_a_space_before_the_hash() {
        let text = "# comment\nA=1 # note\nB=2#3\nC=\nD=\"4\" # note\n";
        assert_eq!(read(text), pairs(&[("A", "1"), ("B", "2#3"), ("C", ""), ("D", "4")]));
    }

    #[test]
    fn a_bare_key_inherits_from_the_lookup_or_is_left_out() {
        let text = "SET\nUNSET\nX=1\n";
        assert_eq!(read_with(text, &[("SET", "from-os")]), pairs(&[("SET", "from-os"), ("X", "1")]));
    }

    #[test]
    fn a_last_line_without_sign_or_newline_becomes_an_empty_key() {
        assert_eq!(read("A=1\nFOO"), pairs(&[("A", "1"), ("", "FOO")]));
    }

    #[test]
    fn expansion_prefers_the_lookup_over_earlier_keys() {
        let text = "A=file\nB=$A\nC=${MISSING:-${A}}-${A:+alt}-${EMPTY-d}-${EMPTY:-d}-$$A";
        let expected = [("A", "file"), ("B", "os"), ("C", "os-alt--d-$A")];
        assert_eq!(read_with(text, &[("A", "os"), ("EMPTY", "")]), pairs(&expected));
    }

    #[test]
    fn the_text_after_an_expansion_is_expanded_on_its_own() {
        assert_eq!(read("A=${X:-{\"j\":1}} ${Y-b}}"), pairs(&[("A", "{\"j\":1} b}")]));
        assert_eq!(failure("A=${X:-a} ${ }").message, r#"Invalid template: " ${ }""#);
        assert_eq!(failure("A=${X:-a} ${ ").message, r#"Invalid template: "${X:-a} ${""#);
    }

    #[test]
    fn required_variables_fail_with_composes_message() {
        let e = failure("A=1\nB=${NOPE:?set NOPE ($A)}");
        assert_eq!((e.line, e.message.as_str()), (2, "required variable NOPE is missing a value: set NOPE (1)"));
        assert_eq!(failure("B=${NOPE?}").message, "required variable NOPE is missing a value");
    }

    #[test]
    fn invalid_lines_name_their_line() {
        let e = failure("# c\nA=\"\n x\n\"\nBAD KEY\nZ=1");
        assert_eq!(e.to_string(), "line 5: key cannot contain a space");
        let e = failure("A=1\nlol$wut");
        assert_eq!(e.to_string(), r#"line 2: unexpected character "$" in variable name "lol$wut""#);
    }

    #[test]
    fn unterminated_quotes_report_the_line_compose_reports() {
        assert_eq!(failure("A=1\nB='x\ny\n").to_string(), "line 4: unterminated quoted value 'x");
    }

    #[test]
    fn a_later_file_sees_earlier_files_until_it_redefines_them() {
        let earlier = pairs(&[("FOO", "base"), ("BAR", "base")]);
        let later = parse_after("FOO=override\nX=${FOO}-${BAR}\nBAR\n", &no_env, &earlier);
        assert_eq!(later, Ok(pairs(&[("FOO", "override"), ("X", "override-base")])));
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        assert_eq!(read("\u{feff}A=1"), pairs(&[("A", "1")]));
    }

    #[test]
    fn entries_keep_duplicates_and_lines_while_parse_keeps_the_last_value() {
        let text = "A=1\n\nB='x\ny'\nA=2\n";
        let found = entries(text, &no_env).unwrap_or_default();
        let lines: Vec<_> = found.iter().map(|e| (e.key.as_str(), e.first_line, e.last_line)).collect();
        assert_eq!(lines, [("A", 1, 1), ("B", 3, 4), ("A", 5, 5)]);
        assert_eq!(read(text), pairs(&[("A", "2"), ("B", "x\ny")]));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("A={}x{}", "${U:-".repeat(5000), "}".repeat(5000));
        assert!(failure(&deep).message.contains("nested"));
        let shallow = format!("A={}x{}", "${U:-".repeat(50), "}".repeat(50));
        assert_eq!(read(&shallow), pairs(&[("A", "x")]));
    }

    #[test]
    fn random_bytes_never_panic() {
        let alphabet = b"AZaz09_.-[]=:# \t\r\n\"'\\${}?+-!export\x0b\xc3\xa9\xe2\x80\xa8";
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..500 {
            let len = (next() % 80) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    let r = next();
                    if r.is_multiple_of(8) {
                        (r >> 8) as u8
                    } else {
                        alphabet.get((r >> 8) as usize % alphabet.len()).copied().unwrap_or(b'x')
                    }
                })
                .collect();
            let text = String::from_utf8_lossy(&bytes);
            let lookup = |k: &str| k.len().is_multiple_of(2).then(|| k.to_lowercase());
            if let Err(e) = entries(&text, &lookup) {
                assert!(e.line >= 1 && !e.message.is_empty(), "{text:?}: {e:?}");
            }
        }
    }
}
