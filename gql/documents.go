package gql

import "slices"

// documents holds a zero value of every query and mutation struct the package
// sends; each file registers its own with register.
var documents []any

func register(docs ...any) bool {
	documents = append(documents, docs...)
	return true
}

// Documents returns a zero value of every query and mutation struct the
// package sends, for tests that check them all.
func Documents() []any {
	return slices.Clone(documents)
}
