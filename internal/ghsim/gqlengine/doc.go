// Package gqlengine is a GraphQL server core that behaves like GitHub's: the
// GitHub simulator (internal/ghsim) puts its resolvers on top of it, so that
// every document nanobots sends is held to GitHub's published schema and to
// the rules GitHub enforces beyond it.
//
// A request goes through the same gates as on api.github.com, in this order:
// parsing, validation against the schema (with graphql-ruby's messages and
// error codes where we know them), variable coercion, GitHub's pagination and
// node limits, and the rate-limit cost GitHub documents. Only then does
// execution start, following the GraphQL spec: aliases, fragments on
// interfaces and unions, @include/@skip, non-null propagation, partial data
// next to errors, and mutation fields run one after another.
//
// It must never make a document pass that GitHub would reject: when in doubt
// it rejects. It must never invent schema: the only correction it makes to
// GitHub's published schema is dropping repeated field definitions (see
// ParseSchema). And it holds no GitHub data of its own: every value comes
// from the Object roots a caller passes in.
package gqlengine
