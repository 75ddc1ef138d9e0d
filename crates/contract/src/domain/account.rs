//! What a valid signup or profile change holds, once its request has been parsed.

use super::{Email, Password, UserName};

/// A new account.
#[derive(Debug, Clone)]
pub struct Signup {
    pub email: Email,
    pub name: UserName,
    pub password: Password,
}

/// A change to the signed-in user: absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct ProfileChange {
    pub name: Option<UserName>,
    pub email: Option<Email>,
    pub password: Option<Password>,
    pub current_password: Option<String>,
}

impl ProfileChange {
    /// Changing the email or the password must prove knowledge of the current one.
    pub fn needs_current_password(&self) -> bool {
        self.email.is_some() || self.password.is_some()
    }
}
