//! Query strings, read one way everywhere (`form_urlencoded`, as the URL
//! standard says: `%XX` escapes decoded, `+` a space, an escape that is not
//! one kept as written). Pairs that pass through to another address are
//! kept exactly as written, so a link the page rewrites keeps its spelling.

/// A query's `name=value` pairs, decoded, in order (a bare name has an
/// empty value). The leading `?` is optional.
pub fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// The first value of parameter `name` in `query`, decoded.
pub fn value(query: &str, name: &str) -> Option<String> {
    pairs(query)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value)
}

/// One value decoded as a query writes it.
pub fn decoded(value: &str) -> String {
    form_urlencoded::parse(format!("x={value}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// The pairs of a query as written (not decoded), each with its decoded
/// name, skipping empty ones.
pub fn raw_pairs(query: &str) -> impl Iterator<Item = (String, &str)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let name = pair.split_once('=').map_or(pair, |(name, _)| name);
            (decoded(name), pair)
        })
}

/// The query of an address or a bare query (`?` and fragment dropped); a
/// text with no `?` is taken as a query as it is.
pub fn query_of(text: &str) -> &str {
    let query = text.split_once('?').map_or(text, |(_, query)| query);
    query.split('#').next().unwrap_or(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_the_first_one_named_decoded() {
        assert_eq!(value("?b=a+b", "b"), Some("a b".to_owned()));
        assert_eq!(value("?a=1&b=x%2Cy&b=2", "b"), Some("x,y".to_owned()));
        assert_eq!(value("a", "a"), Some(String::new()));
    }

    #[test]
    fn raw_pairs_keep_their_spelling() {
        let pairs: Vec<_> = raw_pairs("?panels=a%2Cb&&seed").collect();
        assert_eq!(
            pairs,
            [
                ("panels".to_owned(), "panels=a%2Cb"),
                ("seed".to_owned(), "seed")
            ]
        );
        assert_eq!(query_of("https://x/y?run=1.a#top"), "run=1.a");
        assert_eq!(query_of("1.abc"), "1.abc");
    }
}
