//! The web app's pages, the address of each, who may open it, and its title.

use sycamore_router::Route;

use crate::session::{Access, Guarded};

#[derive(Route, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Page {
    #[to("/")]
    Dashboard,
    #[to("/signin")]
    Signin,
    #[to("/signup")]
    Signup,
    #[to("/profile")]
    Profile,
    #[to("/forgot-password")]
    ForgotPassword,
    #[to("/reset-password")]
    ResetPassword,
    #[not_found]
    NotFound,
}

impl Guarded for Page {
    fn access(self) -> Access {
        match self {
            Self::Dashboard => Access::Members,
            Self::Profile => Access::Account,
            Self::Signin | Self::Signup => Access::Visitors,
            // A reset link may be opened in a browser that is still signed in.
            Self::ForgotPassword | Self::ResetPassword | Self::NotFound => Access::Anyone,
        }
    }
}

impl Page {
    pub fn title(self) -> &'static str {
        match self {
            Self::Dashboard => "Your tasks · Tasks",
            Self::Signin => "Sign in · Tasks",
            Self::Signup => "Sign up · Tasks",
            Self::Profile => "Profile · Tasks",
            Self::ForgotPassword => "Forgot password · Tasks",
            Self::ResetPassword => "Reset your password · Tasks",
            Self::NotFound => "Page not found · Tasks",
        }
    }
}
