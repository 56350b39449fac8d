//! JS bindings for the request builders and the response parser.
