package sqlite

// OpenOrReadOnlyBecause is OpenOrReadOnly with Writable's answer given, for tests that run as
// root (who may write any file whatever its mode).
var OpenOrReadOnlyBecause = openOrReadOnly
