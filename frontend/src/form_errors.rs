//! What a form shows after a failed submit: messages next to the fields they concern,
//! and at most one message for the form as a whole.

use contract::api::ErrorCode;
use contract::domain::FieldErrors;

use crate::api::ApiError;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub fields: FieldErrors,
    pub form: Option<String>,
}

/// How one form reads the API's errors: which fields it shows, and which error codes
/// concern one of them although the API sends no `details` for them.
#[derive(Debug, Clone, Copy)]
pub struct FormShape {
    pub fields: &'static [&'static str],
    pub codes: &'static [(ErrorCode, &'static str)],
}

impl FormErrors {
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }

    /// Client-side validation found these problems before anything was sent.
    pub fn from_fields(fields: FieldErrors) -> Self {
        Self { fields, form: None }
    }

    /// Only a message for the whole form.
    pub fn message(message: impl Into<String>) -> Self {
        Self { fields: FieldErrors::new(), form: Some(message.into()) }
    }

    /// Puts each `details` message on its field. Details about fields this form does not
    /// show, and errors without details, become the form's message, so nothing the server
    /// said is lost.
    pub fn from_api(error: &ApiError, shape: FormShape) -> Self {
        let mut fields = FieldErrors::new();
        let mut elsewhere = Vec::new();
        for (name, message) in error.details().into_iter().flatten() {
            if shape.fields.contains(&name.as_str()) {
                fields.insert(name.clone(), message.clone());
            } else {
                elsewhere.push(message.clone());
            }
        }
        if let Some(&(_, field)) = shape.codes.iter().find(|(code, _)| error.code() == Some(*code)) {
            fields.entry(field.to_owned()).or_insert_with(|| error.to_string());
        }
        let form = if !elsewhere.is_empty() {
            Some(elsewhere.join(" "))
        } else if fields.is_empty() {
            Some(error.to_string())
        } else {
            None
        };
        Self { fields, form }
    }
}

#[cfg(test)]
mod tests {
    use contract::api::{ErrorBody, ErrorDetails};

    use super::*;

    const SIGNUP: FormShape =
        FormShape { fields: &["name", "email", "password"], codes: &[(ErrorCode::EmailExists, "email")] };

    fn refused(code: ErrorCode, message: &str, details: &[(&str, &str)]) -> ApiError {
        let details: FieldErrors = details.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        ApiError::Refused(ErrorBody {
            code,
            message: message.into(),
            details: (!details.is_empty()).then_some(ErrorDetails::Fields(details)),
        })
    }

    #[test]
    fn details_go_next_to_their_fields() {
        let error = refused(
            ErrorCode::ValidationError,
            "Some fields need your attention.",
            &[
                ("password", "Password must be at least 8 characters."),
                ("email", "Enter a valid email address, like name@example.com."),
            ],
        );
        let errors = FormErrors::from_api(&error, SIGNUP);
        assert_eq!(
            errors.fields.get("password").map(String::as_str),
            Some("Password must be at least 8 characters.")
        );
        assert!(errors.fields.contains_key("email"));
        assert_eq!(errors.form, None);
    }

    #[test]
    fn details_for_unknown_fields_become_the_form_message() {
        let error = refused(
            ErrorCode::ValidationError,
            "Some fields need your attention.",
            &[("body", "The request body is not valid JSON."), ("name", "Enter your name.")],
        );
        let errors = FormErrors::from_api(&error, SIGNUP);
        assert_eq!(errors.form.as_deref(), Some("The request body is not valid JSON."));
        assert_eq!(errors.fields.get("name").map(String::as_str), Some("Enter your name."));
    }

    #[test]
    fn errors_without_details_are_for_the_form() {
        let error = refused(ErrorCode::InvalidCredentials, "The email or password is incorrect.", &[]);
        let errors = FormErrors::from_api(&error, SIGNUP);
        assert!(errors.fields.is_empty());
        assert_eq!(errors.form.as_deref(), Some("The email or password is incorrect."));
        assert_eq!(
            FormErrors::from_api(&ApiError::Network, SIGNUP).form,
            Some(ApiError::Network.to_string())
        );
    }

    #[test]
    fn a_code_can_name_the_field_it_concerns() {
        let error = refused(ErrorCode::EmailExists, "An account with this email already exists.", &[]);
        let errors = FormErrors::from_api(&error, SIGNUP);
        assert_eq!(
            errors.fields.get("email").map(String::as_str),
            Some("An account with this email already exists.")
        );
        assert_eq!(errors.form, None);
    }
}
