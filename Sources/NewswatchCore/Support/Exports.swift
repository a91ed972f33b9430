// The Foundation-free parts (line diff, terminal styles, version) are part of the core API.
@_exported import NewswatchBase
