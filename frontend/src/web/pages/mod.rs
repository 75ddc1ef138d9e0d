mod dashboard;
mod forgot_password;
mod not_found;
mod profile;
mod profile_account;
mod profile_devices;
mod reset_password;
mod signin;
mod signup;

pub use dashboard::Dashboard;
pub use forgot_password::ForgotPassword;
pub use not_found::NotFound;
pub use profile::Profile;
pub use reset_password::ResetPassword;
pub use signin::Signin;
pub use signup::Signup;
