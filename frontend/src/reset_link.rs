//! The token of an emailed reset link. Links carry it in the fragment (`#token=…`), so
//! it never reaches a server's access log nor a `Referer`; mail sent before that has it
//! in the query (`?token=…`).

/// The token of `token=…` in a fragment or a query string, with or without its leading
/// `#` or `?`.
pub fn token_of(part: &str) -> Option<String> {
    part.trim_start_matches(['#', '?'])
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == "token")
        .map(|(_, value)| value.to_owned())
        .filter(|token| !token.is_empty())
}

/// The fragment's token first, else the query's.
pub fn token_in(fragment: &str, query: &str) -> Option<String> {
    token_of(fragment).or_else(|| token_of(query))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_comes_from_the_fragment_or_the_query() {
        assert_eq!(token_in("#token=abc-_1", "").as_deref(), Some("abc-_1"));
        assert_eq!(token_in("", "?token=abc&x=1").as_deref(), Some("abc"));
        assert_eq!(token_in("#x=1&token=new", "?token=old").as_deref(), Some("new"));
        assert_eq!(token_in("#token=", "").as_deref(), None);
        assert_eq!(token_in("", ""), None);
    }
}
