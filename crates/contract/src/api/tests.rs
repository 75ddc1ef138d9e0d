use super::*;

#[test]
fn signup_reports_every_bad_field_at_once() {
    let errors = SignupRequest { email: "nope".into(), name: " ".into(), password: "short".into() }
        .parse()
        .unwrap_err();
    assert_eq!(errors.keys().collect::<Vec<_>>(), ["email", "name", "password"]);
}

#[test]
fn signup_parses_valid_input() {
    let signup = SignupRequest {
        email: "Ann@Example.com".into(),
        name: " Ann ".into(),
        password: "correct horse".into(),
    }
    .parse()
    .unwrap();
    assert_eq!(signup.email.as_str(), "ann@example.com");
    assert_eq!(signup.name.as_str(), "Ann");
}

#[test]
fn missing_fields_deserialize_as_empty_and_fail_parse() {
    let request: SignupRequest = serde_json::from_str("{}").unwrap();
    assert_eq!(request.parse().unwrap_err().len(), 3);
}

#[test]
fn signin_requires_both_fields() {
    let errors = SigninRequest::default().parse().unwrap_err();
    assert!(errors.contains_key("email") && errors.contains_key("password"));
}

#[test]
fn profile_email_or_password_change_needs_current_password() {
    let request = ProfileRequest { email: Some("new@example.com".into()), ..Default::default() };
    assert!(request.parse().unwrap_err().contains_key("current_password"));
    let request = ProfileRequest { name: Some("New".into()), ..Default::default() };
    let change = request.parse().unwrap();
    assert!(!change.needs_current_password());
    assert_eq!(change.name.unwrap().as_str(), "New");
}

#[test]
fn update_distinguishes_absent_from_null_description() {
    let absent: UpdateTaskRequest = serde_json::from_str(r#"{"title":"x"}"#).unwrap();
    assert_eq!(absent.description, None);
    let null: UpdateTaskRequest = serde_json::from_str(r#"{"description":null}"#).unwrap();
    assert_eq!(null.description, Some(None));
    assert!(matches!(null.parse().unwrap().description, Some(None)));
    let too_long = UpdateTaskRequest { description: Some(Some("d".repeat(1001))), ..Default::default() };
    assert!(too_long.parse().unwrap_err().contains_key("description"));
}

#[test]
fn update_refuses_a_null_title_but_keeps_an_absent_one() {
    let null: UpdateTaskRequest = serde_json::from_str(r#"{"title":null}"#).unwrap();
    assert_eq!(null.title, Some(None));
    assert!(null.parse().unwrap_err()["title"].contains("cannot be cleared"));
    let absent: UpdateTaskRequest = serde_json::from_str(r#"{"completed":true}"#).unwrap();
    assert!(absent.parse().unwrap().title.is_none());
}

#[test]
fn update_round_trips_through_json() {
    let clear = UpdateTaskRequest { description: Some(None), ..Default::default() };
    assert_eq!(serde_json::to_string(&clear).unwrap(), r#"{"description":null}"#);
}

#[test]
fn create_task_validates_title_and_description() {
    let errors =
        CreateTaskRequest { title: "  ".into(), description: Some("d".repeat(1001)) }.parse().unwrap_err();
    assert!(errors.contains_key("title") && errors.contains_key("description"));
}

#[test]
fn error_codes_serialize_as_the_contract_names() {
    assert_eq!(serde_json::to_string(&ErrorCode::ValidationError).unwrap(), r#""VALIDATION_ERROR""#);
    assert_eq!(serde_json::to_string(&ErrorCode::DbError).unwrap(), r#""DB_ERROR""#);
    assert_eq!(ErrorCode::EmailExists.status(), 400);
    assert_eq!(ErrorCode::RateLimited.status(), 429);
}

/// A task as the API writes it, with its times as given.
fn task_json(created_at: &str) -> String {
    format!(
        r#"{{"id":1,"user_id":"6f1c2a52-4a8e-4a43-9c43-2a7f1d0e9b10","title":"Milk","description":null,
        "completed":false,"created_at":"{created_at}","updated_at":"2026-11-25T13:00:00Z","version":1}}"#
    )
}

#[test]
fn times_are_read_as_rfc_3339_only() {
    let read = |at: &str| serde_json::from_str::<Task>(&task_json(at)).map(|task| task.created_at);
    let noon = "2026-11-25T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
    assert_eq!(read("2026-11-25T12:00:00Z").unwrap(), noon);
    assert_eq!(read("2026-11-25T13:30:00+01:30").unwrap(), noon, "an offset is converted to UTC");
    assert_eq!(read("2026-11-25T12:00:00.000001Z").unwrap().timestamp_subsec_micros(), 1);
    for bad in
        ["", "2026-11-25", "2026-11-25T12:00:00", "2026-13-25T12:00:00Z", "noon", "2026-11-25T12:00:00Z\u{0}"]
    {
        assert!(read(bad).is_err(), "{bad:?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..Default::default() })]

    /// Whatever time the API writes (chrono's own serialization), a client reads back.
    #[test]
    fn every_time_the_api_writes_reads_back(
        seconds in -62_135_596_800i64..253_402_300_799, nanos in 0u32..1_000_000_000
    ) {
        let at = DateTime::from_timestamp(seconds, nanos).unwrap();
        let written = serde_json::to_value(at).unwrap();
        let task: Task = serde_json::from_str(&task_json(written.as_str().unwrap())).unwrap();
        proptest::prop_assert_eq!(task.created_at, at);
    }

    /// Any text at all is either a time or a deserialization error, never a panic.
    #[test]
    fn any_text_as_a_time_is_read_or_refused(text in "\\PC{0,40}") {
        let _ = serde_json::from_str::<Task>(&task_json(&text.replace(['"', '\\'], "")));
    }
}

#[test]
fn error_details_read_back_as_the_kind_they_were_written() {
    let current: Task = serde_json::from_str(&task_json("2026-11-25T12:00:00Z")).unwrap();
    let stale = ErrorBody {
        code: ErrorCode::PreconditionFailed,
        message: "changed".into(),
        details: Some(ErrorDetails::Current { current: current.clone() }),
    };
    let json = serde_json::to_value(&stale).unwrap();
    assert_eq!(json["details"]["current"]["version"], 1, "{json}");
    let read: ErrorBody = serde_json::from_value(json).unwrap();
    assert_eq!(read.current(), Some(&current));
    assert_eq!(read.fields(), None);

    let fields = r#"{"code":"VALIDATION_ERROR","message":"m","details":{"current":"a field named current"}}"#;
    let read: ErrorBody = serde_json::from_str(fields).unwrap();
    assert_eq!(
        read.fields().and_then(|f| f.get("current")).map(String::as_str),
        Some("a field named current")
    );
    assert_eq!(read.current(), None);
}
