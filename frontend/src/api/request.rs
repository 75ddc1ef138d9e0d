use contract::api::{
    CreateTaskRequest, DeleteAccountRequest, ForgotPasswordRequest, ProfileRequest, ResetPasswordRequest,
    SigninRequest, SignupRequest, UpdateTaskRequest, page_load,
};
use contract::domain::PageRequest;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// One call to the API, on the page's own origin so that the HttpOnly cookie goes along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    /// JSON text; `Some` means the request carries `Content-Type: application/json`.
    pub body: Option<String>,
    /// Header name and value, such as `If-Match` on a conditional write.
    pub headers: Vec<(&'static str, String)>,
}

impl ApiRequest {
    fn new(method: Method, path: impl Into<String>) -> Self {
        Self { method, path: path.into(), body: None, headers: Vec::new() }
    }

    fn with_json(method: Method, path: impl Into<String>, body: &impl Serialize) -> Self {
        // The request types hold only strings, options and bools: serializing cannot fail.
        // (No `expect`: its message would bring error formatting into the bundle.)
        let json = serde_json::to_string(body).unwrap_or_default();
        Self { body: Some(json), ..Self::new(method, path) }
    }

    /// Makes the write conditional on the task still being at `version` (its `ETag`):
    /// if another device changed it since, the API refuses with `PRECONDITION_FAILED`
    /// and changes nothing.
    pub fn if_match(mut self, version: i64) -> Self {
        self.headers.push(("If-Match", format!("\"{version}\"")));
        self
    }

    pub fn signup(request: &SignupRequest) -> Self {
        Self::with_json(Method::Post, "/api/auth/signup", request)
    }

    pub fn signin(request: &SigninRequest) -> Self {
        Self::with_json(Method::Post, "/api/auth/signin", request)
    }

    pub fn signout() -> Self {
        Self::new(Method::Post, "/api/auth/signout")
    }

    pub fn me() -> Self {
        Self::new(Method::Get, page_load::ME_PATH)
    }

    pub fn update_profile(request: &ProfileRequest) -> Self {
        Self::with_json(Method::Put, "/api/auth/profile", request)
    }

    pub fn list_tasks(page: PageRequest) -> Self {
        Self::new(Method::Get, page_load::tasks_path(page))
    }

    /// A create that the API makes once however often it is sent with the same `key`, so
    /// that sending it again after a lost answer cannot make the task twice.
    pub fn create_task(request: &CreateTaskRequest, key: &str) -> Self {
        let mut create = Self::with_json(Method::Post, "/api/tasks", request);
        create.headers.push(("Idempotency-Key", key.to_owned()));
        create
    }

    pub fn update_task(id: i64, request: &UpdateTaskRequest) -> Self {
        Self::with_json(Method::Put, format!("/api/tasks/{id}"), request)
    }

    pub fn toggle_task(id: i64) -> Self {
        Self::new(Method::Patch, format!("/api/tasks/{id}/complete"))
    }

    /// Moves the task to the trash, from where `restore_task` brings it back.
    pub fn delete_task(id: i64) -> Self {
        Self::new(Method::Delete, format!("/api/tasks/{id}"))
    }

    pub fn restore_task(id: i64) -> Self {
        Self::new(Method::Post, format!("/api/tasks/{id}/restore"))
    }

    /// What changed after `since`; without it, only the cursor for now, which a client
    /// takes before it loads its page so that nothing between the two is missed.
    pub fn task_changes(since: Option<&str>) -> Self {
        match since {
            Some(cursor) => {
                Self::new(Method::Get, format!("/api/tasks/changes?since={}", query_value(cursor)))
            }
            None => Self::new(Method::Get, "/api/tasks/changes"),
        }
    }

    pub fn forgot_password(request: &ForgotPasswordRequest) -> Self {
        Self::with_json(Method::Post, "/api/auth/forgot-password", request)
    }

    pub fn reset_password(request: &ResetPasswordRequest) -> Self {
        Self::with_json(Method::Post, "/api/auth/reset-password", request)
    }

    pub fn list_sessions() -> Self {
        Self::new(Method::Get, "/api/auth/sessions")
    }

    pub fn delete_session(id: &str) -> Self {
        Self::new(Method::Delete, format!("/api/auth/sessions/{id}"))
    }

    pub fn delete_other_sessions() -> Self {
        Self::new(Method::Delete, "/api/auth/sessions")
    }

    pub fn delete_account(request: &DeleteAccountRequest) -> Self {
        Self::with_json(Method::Delete, "/api/auth/account", request)
    }
}

/// `value` as it may stand in a query string: the cursor is opaque, so nothing in it is
/// taken for granted, not even that it needs no escaping.
fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where "Export my data" points: a plain link (`rel="external"`, so the client-side
/// router lets the browser have it), which downloads the file the API names in
/// `Content-Disposition`.
pub const EXPORT_PATH: &str = "/api/auth/export";

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn body(request: &ApiRequest) -> Value {
        serde_json::from_str(request.body.as_deref().expect("a JSON body")).expect("valid JSON")
    }

    #[test]
    fn auth_requests_post_their_fields() {
        let signup = ApiRequest::signup(&SignupRequest {
            email: "ann@example.com".into(),
            name: "Ann".into(),
            password: "correct horse".into(),
        });
        assert_eq!((signup.method, signup.path.as_str()), (Method::Post, "/api/auth/signup"));
        assert_eq!(
            body(&signup),
            json!({"email": "ann@example.com", "name": "Ann", "password": "correct horse"})
        );

        let signin =
            ApiRequest::signin(&SigninRequest { email: "ann@example.com".into(), password: "pw".into() });
        assert_eq!((signin.method, signin.path.as_str()), (Method::Post, "/api/auth/signin"));
        assert_eq!(body(&signin), json!({"email": "ann@example.com", "password": "pw"}));
    }

    #[test]
    fn session_requests_have_no_body() {
        assert_eq!(
            ApiRequest::signout(),
            ApiRequest {
                method: Method::Post,
                path: "/api/auth/signout".into(),
                body: None,
                headers: Vec::new()
            }
        );
        assert_eq!(
            ApiRequest::me(),
            ApiRequest { method: Method::Get, path: "/api/auth/me".into(), body: None, headers: Vec::new() }
        );
    }

    #[test]
    fn profile_update_sends_only_the_given_fields() {
        let request =
            ApiRequest::update_profile(&ProfileRequest { name: Some("Bea".into()), ..Default::default() });
        assert_eq!((request.method, request.path.as_str()), (Method::Put, "/api/auth/profile"));
        assert_eq!(body(&request), json!({"name": "Bea"}));
    }

    #[test]
    fn account_requests_target_their_endpoints() {
        let forgot = ApiRequest::forgot_password(&ForgotPasswordRequest { email: "ann@example.com".into() });
        assert_eq!((forgot.method, forgot.path.as_str()), (Method::Post, "/api/auth/forgot-password"));
        assert_eq!(body(&forgot), json!({"email": "ann@example.com"}));
        let reset = ApiRequest::reset_password(&ResetPasswordRequest {
            token: "abc".into(),
            password: "a new secret".into(),
        });
        assert_eq!((reset.method, reset.path.as_str()), (Method::Post, "/api/auth/reset-password"));
        assert_eq!(body(&reset), json!({"token": "abc", "password": "a new secret"}));
        assert_eq!(ApiRequest::list_sessions().path, "/api/auth/sessions");
        let one = ApiRequest::delete_session("7c1e");
        assert_eq!((one.method, one.path.as_str()), (Method::Delete, "/api/auth/sessions/7c1e"));
        let others = ApiRequest::delete_other_sessions();
        assert_eq!(
            (others.method, others.path.as_str(), others.body),
            (Method::Delete, "/api/auth/sessions", None)
        );
        let delete = ApiRequest::delete_account(&DeleteAccountRequest { current_password: "pw".into() });
        assert_eq!((delete.method, delete.path.as_str()), (Method::Delete, "/api/auth/account"));
        assert_eq!(body(&delete), json!({"current_password": "pw"}));
    }

    #[test]
    fn task_list_asks_for_one_page() {
        let page = PageRequest::parse(Some("2"), Some("10")).expect("a valid page");
        let request = ApiRequest::list_tasks(page);
        assert_eq!(
            request,
            ApiRequest {
                method: Method::Get,
                path: "/api/tasks?page=2&limit=10".into(),
                body: None,
                headers: Vec::new()
            }
        );
    }

    #[test]
    fn task_writes_target_the_task() {
        let create =
            ApiRequest::create_task(&CreateTaskRequest { title: "Milk".into(), description: None }, "k-1");
        assert_eq!((create.method, create.path.as_str()), (Method::Post, "/api/tasks"));
        assert_eq!(body(&create), json!({"title": "Milk", "description": null}));
        assert_eq!(create.headers, [("Idempotency-Key", "k-1".to_owned())]);

        let clear =
            UpdateTaskRequest { title: Some(Some("Milk".into())), description: Some(None), completed: None };
        let update = ApiRequest::update_task(7, &clear);
        assert_eq!((update.method, update.path.as_str()), (Method::Put, "/api/tasks/7"));
        assert_eq!(body(&update), json!({"title": "Milk", "description": null}));

        assert_eq!(
            ApiRequest::toggle_task(7),
            ApiRequest {
                method: Method::Patch,
                path: "/api/tasks/7/complete".into(),
                body: None,
                headers: Vec::new()
            }
        );
        assert_eq!(
            ApiRequest::delete_task(7),
            ApiRequest {
                method: Method::Delete,
                path: "/api/tasks/7".into(),
                body: None,
                headers: Vec::new()
            }
        );
    }

    #[test]
    fn conditional_writes_name_the_version_as_an_etag() {
        let toggle = ApiRequest::toggle_task(7).if_match(3);
        assert_eq!(toggle.headers, [("If-Match", "\"3\"".to_owned())]);
        let restore = ApiRequest::restore_task(7);
        assert_eq!(
            (restore.method, restore.path.as_str(), restore.body, restore.headers),
            (Method::Post, "/api/tasks/7/restore", None, Vec::new())
        );
    }

    #[test]
    fn the_feed_is_asked_from_a_cursor_or_for_one() {
        assert_eq!(ApiRequest::task_changes(None).path, "/api/tasks/changes");
        assert_eq!(
            ApiRequest::task_changes(Some("12.1765000000")).path,
            "/api/tasks/changes?since=12.1765000000"
        );
        assert_eq!(ApiRequest::task_changes(Some("a b&c=d")).path, "/api/tasks/changes?since=a%20b%26c%3Dd");
        assert_eq!(ApiRequest::task_changes(Some("é")).path, "/api/tasks/changes?since=%C3%A9");
    }

    proptest::proptest! {
        #[test]
        fn any_cursor_stays_one_query_value(cursor in "\\PC{0,40}") {
            let request = ApiRequest::task_changes(Some(&cursor));
            let value = request.path.strip_prefix("/api/tasks/changes?since=").expect("the feed's path");
            proptest::prop_assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)));
            // Decoding gives the cursor back.
            let mut bytes = Vec::new();
            let mut rest = value.as_bytes();
            while let [first, tail @ ..] = rest {
                if *first == b'%' {
                    let hex = std::str::from_utf8(&tail[..2]).expect("ASCII");
                    bytes.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
                    rest = &tail[2..];
                } else {
                    bytes.push(*first);
                    rest = tail;
                }
            }
            proptest::prop_assert_eq!(String::from_utf8(bytes).expect("UTF-8"), cursor);
        }
    }
}
