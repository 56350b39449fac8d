// The edge proxy's JS glue. Filled by the proxy module; kept as a separate file so every
// entry point exports the same names.
export {};
