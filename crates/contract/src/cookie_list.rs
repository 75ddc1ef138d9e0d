//! A cookie list, as a `Cookie` header's value or `document.cookie` holds it:
//! `name=value` pairs separated by `;`. The server reads its session token and the
//! signed-in hint from it, and the web app reads the hint.

/// The `(name, value)` pairs of `list`, trimmed; a piece without `=` is no cookie.
pub fn pairs(list: &str) -> impl Iterator<Item = (&str, &str)> {
    list.split(';').filter_map(|pair| pair.trim().split_once('='))
}

#[cfg(test)]
mod tests {
    use super::pairs;

    #[test]
    fn splits_and_trims_the_pairs() {
        let all: Vec<_> = pairs(" theme=dark;token=a.b ; broken; empty=").collect();
        assert_eq!(all, [("theme", "dark"), ("token", "a.b"), ("empty", "")]);
        assert_eq!(pairs("").count(), 0);
    }
}
