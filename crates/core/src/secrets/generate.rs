//! Generating a secret from its rule with a cryptographically secure generator.

use base64::{engine::general_purpose, Engine as _};
use rand::{Rng, RngCore};

use super::Sensitive;
use crate::schema::{Encoding, SecretFormat};

/// A new value for `format`, with `prefix` before it. Uses `rand::rng()`: ChaCha12
/// seeded from the operating system and reseeded periodically.
pub fn generate(format: &SecretFormat, prefix: Option<&str>) -> Sensitive<String> {
    let mut rng = rand::rng();
    let body = match format {
        SecretFormat::Chars { length, alphabet } => {
            (0..*length).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect::<String>()
        }
        SecretFormat::Bytes { count, encoding } => {
            let mut bytes = vec![0u8; *count as usize];
            rng.fill_bytes(&mut bytes);
            encode(&bytes, *encoding)
        }
    };
    Sensitive::new(format!("{}{body}", prefix.unwrap_or("")))
}

/// Writes bytes in an encoding.
pub fn encode(bytes: &[u8], encoding: Encoding) -> String {
    match encoding {
        Encoding::Hex => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        Encoding::Base64 => general_purpose::STANDARD.encode(bytes),
        Encoding::Base64url => general_purpose::URL_SAFE_NO_PAD.encode(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::generate;
    use crate::schema::{charset_alphabet, Charset, Encoding, SecretFormat};

    #[test]
    fn values_have_the_right_length_alphabet_and_prefix() {
        let alphabet = charset_alphabet(Charset::Alphanumeric);
        let format = SecretFormat::Chars { length: 48, alphabet: alphabet.clone() };
        let value = generate(&format, Some("sk-"));
        let body = value.expose().strip_prefix("sk-").expect("prefix");
        assert_eq!(body.chars().count(), 48);
        assert!(body.chars().all(|c| alphabet.contains(&c)));
        let hex = generate(&SecretFormat::Bytes { count: 32, encoding: Encoding::Hex }, None);
        assert_eq!(hex.expose().len(), 64);
        assert!(hex.expose().chars().all(|c| c.is_ascii_hexdigit()));
        let b64 = generate(&SecretFormat::Bytes { count: 32, encoding: Encoding::Base64url }, None);
        assert_eq!(b64.expose().len(), 43);
    }

    /// A chi-square test over many values: a broken generator (constant, biased,
    /// short alphabet) fails it; a uniform one passes with overwhelming probability.
    #[test]
    fn characters_are_uniform_and_values_do_not_repeat() {
        let alphabet = charset_alphabet(Charset::Alphanumeric);
        let format = SecretFormat::Chars { length: 32, alphabet: alphabet.clone() };
        let mut counts = vec![0u64; alphabet.len()];
        let mut seen = std::collections::HashSet::new();
        let samples = 2000;
        for _ in 0..samples {
            let value = generate(&format, None);
            for c in value.expose().chars() {
                counts[alphabet.iter().position(|a| *a == c).expect("in alphabet")] += 1;
            }
            assert!(seen.insert(value.expose().clone()), "a value repeated");
        }
        let total = (samples * 32) as f64;
        let expected = total / alphabet.len() as f64;
        let chi2: f64 = counts.iter().map(|&o| (o as f64 - expected).powi(2) / expected).sum();
        // 61 degrees of freedom: p = 1e-6 at about 125.
        assert!(chi2 < 125.0, "chi-square {chi2:.1} says the characters are not uniform");
        assert!(counts.iter().all(|&c| c > 0), "every character appears");
    }
}
