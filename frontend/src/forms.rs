//! The app's forms: how the API's errors land on them, and what they send, checked
//! with the server's rules before anything leaves the browser (all but the list of
//! common passwords, which only the server holds).

use contract::api::{CreateTaskRequest, ErrorCode, ProfileRequest, Task, UpdateTaskRequest, User};
use contract::domain::Email;

use crate::form_errors::{FormErrors, FormShape};

pub const SIGNUP: FormShape =
    FormShape { fields: &["name", "email", "password"], codes: &[(ErrorCode::EmailExists, "email")] };

/// Bad credentials are deliberately not pinned on one field: the server does not say
/// whether the email or the password was wrong.
pub const SIGNIN: FormShape = FormShape { fields: &["email", "password"], codes: &[] };

pub const PROFILE: FormShape = FormShape {
    fields: &["name", "email", "password", "current_password"],
    codes: &[(ErrorCode::EmailExists, "email"), (ErrorCode::InvalidCredentials, "current_password")],
};

pub const TASK: FormShape = FormShape { fields: &["title", "description"], codes: &[] };

pub const FORGOT_PASSWORD: FormShape = FormShape { fields: &["email"], codes: &[] };

/// The token is not a field: a refused one means the link is bad, which the page says
/// in a block of its own.
pub const RESET_PASSWORD: FormShape = FormShape { fields: &["password"], codes: &[] };

pub const DELETE_ACCOUNT: FormShape = FormShape {
    fields: &["current_password"],
    codes: &[(ErrorCode::InvalidCredentials, "current_password")],
};

/// A blank description means none, rather than one made of spaces.
fn description(text: &str) -> Option<String> {
    (!text.trim().is_empty()).then(|| text.to_owned())
}

/// What the user typed into a task form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskDraft {
    pub title: String,
    pub description: String,
}

impl TaskDraft {
    pub fn of(task: &Task) -> Self {
        Self { title: task.title.clone(), description: task.description.clone().unwrap_or_default() }
    }

    /// What the user asked for in `request`, an edit of `task`: to put it in front of them
    /// again when it could not be saved.
    pub fn of_update(request: &UpdateTaskRequest, task: &Task) -> Self {
        let title = request.title.clone().flatten().unwrap_or_else(|| task.title.clone());
        let description = match &request.description {
            Some(description) => description.clone().unwrap_or_default(),
            None => task.description.clone().unwrap_or_default(),
        };
        Self { title, description }
    }

    pub fn create_request(&self) -> Result<CreateTaskRequest, FormErrors> {
        let request =
            CreateTaskRequest { title: self.title.clone(), description: description(&self.description) };
        request.parse().map_err(FormErrors::from_fields)?;
        Ok(request)
    }

    /// The update to send for `task`, and the task as it will read once saved.
    pub fn update(&self, task: &Task) -> Result<(UpdateTaskRequest, Task), FormErrors> {
        let request = UpdateTaskRequest {
            title: Some(Some(self.title.clone())),
            description: Some(description(&self.description)),
            completed: None,
        };
        let change = request.parse().map_err(FormErrors::from_fields)?;
        let mut edited = task.clone();
        if let Some(title) = change.title {
            edited.title = title.as_str().to_owned();
        }
        if let Some(text) = change.description {
            edited.description = text.map(|d| d.as_str().to_owned());
        }
        Ok((request, edited))
    }
}

/// What the user typed into the profile form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileDraft {
    pub name: String,
    pub email: String,
    pub new_password: String,
    pub current_password: String,
}

impl ProfileDraft {
    pub fn of(user: &User) -> Self {
        Self { name: user.name.clone(), email: user.email.clone(), ..Self::default() }
    }

    /// The update that turns `user` into this draft, or `None` when nothing changed.
    /// Only what changed is sent, so that a name change needs no password.
    pub fn request(&self, user: &User) -> Result<Option<ProfileRequest>, FormErrors> {
        let name = (self.name.trim() != user.name).then(|| self.name.clone());
        let email = (Email::normalize(&self.email) != user.email).then(|| self.email.clone());
        let password = (!self.new_password.is_empty()).then(|| self.new_password.clone());
        let current_password = (email.is_some() || password.is_some()).then(|| self.current_password.clone());
        let request = ProfileRequest { name, email, password, current_password };
        request.parse().map_err(FormErrors::from_fields)?;
        let changes_something =
            request.name.is_some() || request.email.is_some() || request.password.is_some();
        Ok(changes_something.then_some(request))
    }
}

#[cfg(test)]
mod tests {
    use contract::api::{SigninRequest, SignupRequest};

    use super::*;

    fn task() -> Task {
        let at = "2026-11-25T13:00:00Z".parse().expect("a timestamp");
        Task {
            id: 1,
            user_id: Default::default(),
            title: "Milk".into(),
            description: Some("2 litres".into()),
            completed: true,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    fn user() -> User {
        let at = "2026-11-25T13:00:00Z".parse().expect("a timestamp");
        User {
            id: Default::default(),
            email: "ann@example.com".into(),
            name: "Ann".into(),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn signup_and_signin_are_checked_with_the_servers_rules() {
        let short =
            SignupRequest { email: "ann@example.com".into(), name: "Ann".into(), password: "short".into() };
        let errors = FormErrors::from_fields(short.parse().expect_err("too short"));
        assert_eq!(
            errors.fields.get("password").map(String::as_str),
            Some("Password must be at least 8 characters.")
        );

        // A blank form is refused field by field: exactly the fields each form shows, so
        // that every message lands next to a field, and every field can get one.
        let blank = SignupRequest::default().parse().expect_err("blank");
        let mut named: Vec<&str> = blank.keys().map(String::as_str).collect();
        let mut shown = SIGNUP.fields.to_vec();
        named.sort_unstable();
        shown.sort_unstable();
        assert_eq!(named, shown);

        let blank = SigninRequest::default().parse().expect_err("blank");
        assert!(blank.keys().all(|field| SIGNIN.fields.contains(&field.as_str())));
    }

    #[test]
    fn the_servers_refusal_of_a_common_password_lands_next_to_the_password_field() {
        // The browser build leaves the list of common passwords out; the server checks.
        let body = r#"{"success":false,"error":{"code":"VALIDATION_ERROR","message":"Some fields need your attention.",
            "details":{"password":"This password is too common. Choose one that is harder to guess."}}}"#;
        for shape in [SIGNUP, PROFILE] {
            let error = crate::api::decode::<contract::api::Session>(422, body).expect_err("a refusal");
            let errors = FormErrors::from_api(&error, shape);
            let message = errors.fields.get("password").expect("a message for Password");
            assert!(message.starts_with("This password is too common"), "{message}");
            assert_eq!(errors.form, None);
        }
    }

    #[test]
    fn a_full_account_is_told_so_above_the_new_task_form() {
        // `MAX_TASKS_PER_USER`: a refusal with a message and no `details`.
        let body = r#"{"success":false,"error":{"code":"VALIDATION_ERROR",
            "message":"You have reached the limit of 10000 tasks. Delete some tasks to make room for new ones."}}"#;
        let error = crate::api::decode::<contract::api::Task>(422, body).expect_err("a refusal");
        let errors = FormErrors::from_api(&error, TASK);
        assert!(errors.fields.is_empty());
        assert!(
            errors.form.as_deref().is_some_and(|m| m.starts_with("You have reached the limit")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_new_task_needs_a_title_and_drops_a_blank_description() {
        let errors = TaskDraft { title: "  ".into(), description: String::new() }
            .create_request()
            .expect_err("no title");
        assert_eq!(errors.fields.get("title").map(String::as_str), Some("Enter a title."));

        let request =
            TaskDraft { title: "Milk".into(), description: "   ".into() }.create_request().expect("valid");
        assert_eq!((request.title.as_str(), request.description), ("Milk", None));

        let long = TaskDraft { title: "Milk".into(), description: "d".repeat(1001) };
        assert!(long.create_request().expect_err("too long").fields.contains_key("description"));
    }

    #[test]
    fn an_edit_shows_what_will_be_saved() {
        let draft = TaskDraft { title: "  Oat milk ".into(), description: String::new() };
        let (request, edited) = draft.update(&task()).expect("valid");
        assert_eq!(request.description, Some(None), "an emptied description is cleared");
        assert_eq!((edited.title.as_str(), edited.description.as_deref()), ("Oat milk", None));
        assert!(edited.completed, "an edit leaves completion alone");

        assert_eq!(
            TaskDraft::of(&task()),
            TaskDraft { title: "Milk".into(), description: "2 litres".into() }
        );
        assert!(TaskDraft::default().update(&task()).expect_err("no title").fields.contains_key("title"));
    }

    #[test]
    fn a_name_change_sends_only_the_name() {
        let draft = ProfileDraft { name: "Bea".into(), ..ProfileDraft::of(&user()) };
        let request = draft.request(&user()).expect("valid").expect("a change");
        assert_eq!(request, ProfileRequest { name: Some("Bea".into()), ..Default::default() });
    }

    #[test]
    fn nothing_changed_sends_nothing() {
        let same = ProfileDraft { email: "ANN@example.com ".into(), ..ProfileDraft::of(&user()) };
        assert_eq!(same.request(&user()), Ok(None));
    }

    #[test]
    fn email_and_password_changes_need_the_current_password() {
        let draft = ProfileDraft { email: "bea@example.com".into(), ..ProfileDraft::of(&user()) };
        let errors = draft.request(&user()).expect_err("needs the current password");
        assert!(errors.fields.contains_key("current_password"));

        let draft = ProfileDraft {
            new_password: "a new secret".into(),
            current_password: "old secret".into(),
            ..ProfileDraft::of(&user())
        };
        let request = draft.request(&user()).expect("valid").expect("a change");
        assert_eq!(request.password.as_deref(), Some("a new secret"));
        assert_eq!(request.current_password.as_deref(), Some("old secret"));
        assert_eq!(request.name, None);

        let short = ProfileDraft {
            new_password: "short".into(),
            current_password: "old secret".into(),
            ..ProfileDraft::of(&user())
        };
        assert!(short.request(&user()).expect_err("too short").fields.contains_key("password"));
    }

    #[test]
    fn shapes_cover_the_fields_their_codes_name() {
        for shape in [SIGNUP, SIGNIN, PROFILE, TASK] {
            assert!(shape.codes.iter().all(|(_, field)| shape.fields.contains(field)));
        }
    }
}
