//! Turns a secret's rule into a checked format, refusing weak or contradictory ones.

use super::{Charset, Encoding, SecretRule};

/// Least entropy a generated secret may have.
pub const MIN_ENTROPY_BITS: f64 = 128.0;

/// What a secret rule generates, after validation.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretFormat {
    /// `length` characters drawn uniformly from `alphabet`.
    Chars {
        /// Number of characters.
        length: u32,
        /// Distinct characters to draw from.
        alphabet: Vec<char>,
    },
    /// `count` random bytes in `encoding`.
    Bytes {
        /// Number of bytes.
        count: u32,
        /// How the bytes are written.
        encoding: Encoding,
    },
}

impl SecretFormat {
    /// Bits of entropy in one generated value.
    pub fn entropy_bits(&self) -> f64 {
        match self {
            Self::Chars { length, alphabet } => f64::from(*length) * (alphabet.len() as f64).log2(),
            Self::Bytes { count, .. } => f64::from(*count) * 8.0,
        }
    }
}

/// The characters of a named charset.
pub fn charset_alphabet(charset: Charset) -> Vec<char> {
    let mut chars: Vec<char> = match charset {
        Charset::Alphanumeric => ('A'..='Z').chain('a'..='z').chain('0'..='9').collect(),
        Charset::Hex => ('0'..='9').chain('a'..='f').collect(),
        Charset::Base64url => ('A'..='Z').chain('a'..='z').chain('0'..='9').collect(),
    };
    if charset == Charset::Base64url {
        chars.extend(['-', '_']);
    }
    chars
}

impl SecretRule {
    /// Checks the rule and returns what it generates, or why it cannot be used.
    pub fn format(&self) -> Result<SecretFormat, String> {
        let format = match (self.length, self.bytes) {
            (Some(_), Some(_)) => {
                return Err("give either `length` (characters) or `bytes` (random bytes), not both".into())
            }
            (None, None) => {
                return Err("say how long the secret is: `length: 32` or `bytes: 32`".into())
            }
            (Some(length), None) => {
                if self.encoding.is_some() {
                    return Err("`encoding` goes with `bytes`; with `length` use `charset` or `alphabet`".into());
                }
                let alphabet = match (&self.charset, &self.alphabet) {
                    (Some(_), Some(_)) => return Err("give `charset` or `alphabet`, not both".into()),
                    (Some(c), None) => charset_alphabet(*c),
                    (None, Some(custom)) => {
                        let mut chars: Vec<char> = custom.chars().collect();
                        chars.sort_unstable();
                        chars.dedup();
                        if chars.len() < 2 {
                            return Err("`alphabet` needs at least two different characters".into());
                        }
                        chars
                    }
                    (None, None) => charset_alphabet(Charset::Alphanumeric),
                };
                SecretFormat::Chars { length, alphabet }
            }
            (None, Some(count)) => {
                if self.charset.is_some() || self.alphabet.is_some() {
                    return Err("`charset` and `alphabet` go with `length`; with `bytes` use `encoding`".into());
                }
                SecretFormat::Bytes { count, encoding: self.encoding.unwrap_or(Encoding::Hex) }
            }
        };
        let bits = format.entropy_bits();
        if bits < MIN_ENTROPY_BITS {
            return Err(format!(
                "this rule gives only {bits:.0} bits of entropy; at least {MIN_ENTROPY_BITS:.0} are required \
                 (for example `length: 22` alphanumeric or `bytes: 16`)"
            ));
        }
        Ok(format)
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::{Charset, Encoding, SecretRule, SecretScope};

    use super::SecretFormat;

    fn rule() -> SecretRule {
        SecretRule {
            length: None,
            charset: None,
            alphabet: None,
            bytes: None,
            encoding: None,
            prefix: None,
            scope: SecretScope::Environment,
            description: None,
        }
    }

    #[test]
    fn accepts_strong_rules() {
        let chars = SecretRule { length: Some(32), charset: Some(Charset::Alphanumeric), ..rule() };
        assert!(matches!(chars.format(), Ok(SecretFormat::Chars { length: 32, .. })));
        let bytes = SecretRule { bytes: Some(32), encoding: Some(Encoding::Hex), ..rule() };
        assert_eq!(bytes.format().map(|f| f.entropy_bits()), Ok(256.0));
    }

    #[test]
    fn refuses_weak_and_contradictory_rules() {
        let short = SecretRule { length: Some(4), ..rule() };
        assert!(short.format().unwrap_err().contains("bits of entropy"));
        let both = SecretRule { length: Some(32), bytes: Some(32), ..rule() };
        assert!(both.format().unwrap_err().contains("not both"));
        assert!(rule().format().unwrap_err().contains("how long"));
        let one_char = SecretRule { length: Some(200), alphabet: Some("aaaa".into()), ..rule() };
        assert!(one_char.format().unwrap_err().contains("two different"));
    }
}
