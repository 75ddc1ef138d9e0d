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
