use super::{FieldErrors, Validator};

pub const DEFAULT_LIMIT: u32 = 10;
pub const MAX_LIMIT: u32 = 100;

/// Which slice of a list to return: `page` ≥ 1, `limit` in 1..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    page: u32,
    limit: u32,
}

impl PageRequest {
    /// Takes the raw query values, so a non-number gets the same kind of message as a
    /// number out of range.
    pub fn parse(page: Option<&str>, limit: Option<&str>) -> Result<Self, FieldErrors> {
        let mut v = Validator::new();
        let page = v.check(
            "page",
            match page.map(str::parse::<u32>) {
                None => Ok(1),
                Some(Ok(p)) if p >= 1 => Ok(p),
                Some(_) => Err("Page must be a whole number, 1 or more.".to_owned()),
            },
        );
        let limit = v.check(
            "limit",
            match limit.map(str::parse::<u32>) {
                None => Ok(DEFAULT_LIMIT),
                Some(Ok(l)) if (1..=MAX_LIMIT).contains(&l) => Ok(l),
                Some(_) => Err(format!("Limit must be a whole number from 1 to {MAX_LIMIT}.")),
            },
        );
        v.finish(|| Some(Self { page: page?, limit: limit? }))
    }

    pub fn page(self) -> u32 {
        self.page
    }

    pub fn limit(self) -> u32 {
        self.limit
    }

    pub fn offset(self) -> u64 {
        u64::from(self.page - 1) * u64::from(self.limit)
    }

    /// How many pages `total` items fill: `ceil(total / limit)`.
    pub fn pages(self, total: u64) -> u64 {
        total.div_ceil(u64::from(self.limit))
    }
}

#[cfg(test)]
mod tests {
    use super::PageRequest;

    #[test]
    fn defaults_to_first_page_of_ten() {
        let p = PageRequest::parse(None, None).unwrap();
        assert_eq!((p.page(), p.limit(), p.offset()), (1, 10, 0));
    }

    #[test]
    fn computes_offset_and_page_count() {
        let p = PageRequest::parse(Some("3"), Some("10")).unwrap();
        assert_eq!(p.offset(), 20);
        assert_eq!(p.pages(25), 3);
        assert_eq!(p.pages(30), 3);
        assert_eq!(p.pages(0), 0);
    }

    #[test]
    fn rejects_out_of_range_values_per_field() {
        let errors = PageRequest::parse(Some("0"), Some("101")).unwrap_err();
        assert!(errors.contains_key("page") && errors.contains_key("limit"));
        for (page, limit) in [("1", "0"), ("abc", "10"), ("-1", "10"), ("99999999999", "10"), ("1", "1.5")] {
            assert!(PageRequest::parse(Some(page), Some(limit)).is_err(), "{page} {limit}");
        }
        assert!(PageRequest::parse(Some("1"), Some("100")).is_ok());
    }
}
