// Package wire is Flowdeck's API schema: every type that crosses the HTTP
// API and the event stream, with its JSON tags and doc comments. The
// frontend's types (frontend/src/lib/schema.ts) are generated from this
// package, so adding a field takes one edit here and one `go generate ./...`.
//
// Conventions, the same in GET answers and events:
//   - a time is an RFC 3339 string with milliseconds, or null when unknown
//     (Time);
//   - an optional string is a string or null (OptString), never "";
//   - a field tagged omitempty is absent when it does not apply (the
//     generator makes it optional, `?`);
//   - every object that describes something read from disk may carry an
//     `error` sentence: the item is shown with it, not dropped.
//
// The package imports nothing of Flowdeck's: the packages that compute what
// is sent as is (datastore's statuses, run graph, logs and failures; compare's
// result; artifacts' value tree; cards' kinds) name these types by alias.
//
// The generator is internal/tsgen. Field types map to TypeScript as: string,
// numbers, bool; a pointer adds `| null`; slices are arrays; maps are
// Record; time.Time is a string; json.RawMessage and any are unknown; a
// struct tag `tstype:"…"` overrides the TypeScript type of one field.
package wire

//go:generate go run flowdeck/internal/tsgen -pkg flowdeck/wire -out ../frontend/src/lib/schema.ts
