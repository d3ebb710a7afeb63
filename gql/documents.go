package gql

// Documents returns a zero value of every query and mutation struct the
// package sends, for tests that check them all.
func Documents() []any {
	return []any{userBoardQuery{}, orgBoardQuery{}}
}
