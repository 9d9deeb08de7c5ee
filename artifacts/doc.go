// Package artifacts reads Metaflow's artifact blobs, gzip-compressed Python
// pickles (protocols 0 to 5; Metaflow writes 4), into a Value tree the API
// sends as JSON and the frontend renders (docs/format.md, artifacts).
//
// Safety: a pickle is a program, and an artifact is untrusted input. The
// reader runs the pickle's opcodes in its own small machine (pickle.go)
// that never executes or imports anything: GLOBAL and STACK_GLOBAL only
// name a class (module and name), REDUCE / NEWOBJ / BUILD are recorded as
// data. Afterwards an allow-list of known constructors (datetime, decimal,
// fractions, uuid, pathlib, OrderedDict, numpy and pandas reconstructors,
// copyreg._reconstructor ...) is rebuilt by Go functions from those
// records. An instance of any other class is shown as
// <module.Class object> with its readable state; a call of anything else
// (os.system, eval, getattr, functools.partial ...) is refused: a Value of
// kind "error" that names it, and Decode's error wraps ErrUnsafe when the
// artifact itself is such a call.
//
// Why not a library: github.com/kisielk/og-rek (v1.3.0) is safe by design
// (calls stay symbolic) but does not implement BUILD, NEWOBJ or the
// protocol 4 set opcodes, which every numpy array, pandas DataFrame, UUID
// and plain object uses. github.com/nlpodyssey/gopickle (v0.2.0, 2023)
// allocates whatever length a hostile stream states (make([]byte, n) before
// reading) and is built around calling Go stand-ins for Python callables.
// A reader that checks every length against the bytes left and counts
// every value is about 700 lines; it is here.
//
// Limits (Limits, zero fields take the defaults): 64 MiB uncompressed
// (a decompression bomb stops there), 4,000,000 values read, 64 levels
// shown, 10,000 items per container, 200,000 characters of a str, 200,000
// nodes in the result, 20 rows of a DataFrame. Whatever is cut is marked
// "truncated"; a container's len is always its real size. A truncated or
// malformed stream gives a Value of kind "error" and ErrTruncated or
// ErrInvalid, never a panic.
package artifacts
