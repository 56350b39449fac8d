//! IO-free request building ("sans-IO") for the Twilio Push Notifications API.
