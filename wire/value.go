package wire

// An artifact's value tree (package artifacts decodes it).

// ValueNode is one node of a decoded artifact: the JSON the API sends and the
// frontend renders (docs/api.md, "Artifact values"; package artifacts
// decodes it). Omitted fields are absent, never null.
type ValueNode struct {
	Kind      string        `json:"kind"`
	Type      string        `json:"type,omitempty"`
	Value     any           `json:"value,omitempty" tstype:"boolean | number | string"`
	Encoding  string        `json:"encoding,omitempty"`
	Repr      string        `json:"repr,omitempty"`
	Len       *int64        `json:"len,omitempty"`
	Items     []*ValueNode  `json:"items,omitempty" tstype:"ValueNode[]"`
	Entries   []ValueEntry  `json:"entries,omitempty"`
	Fields    []ValueField  `json:"fields,omitempty"`
	Dtype     string        `json:"dtype,omitempty"`
	Shape     []int64       `json:"shape,omitempty"`
	Columns   []ValueColumn `json:"columns,omitempty"`
	Index     []*ValueNode  `json:"index,omitempty" tstype:"ValueNode[]"`
	Truncated bool          `json:"truncated,omitempty"`
	Error     string        `json:"error,omitempty"`
}

// ValueEntry is one key/value pair of a dict.
type ValueEntry struct {
	Key   *ValueNode `json:"key" tstype:"ValueNode"`
	Value *ValueNode `json:"value" tstype:"ValueNode"`
}

// ValueField is a named part of an object's state or of a namedtuple.
type ValueField struct {
	Name  string     `json:"name"`
	Value *ValueNode `json:"value" tstype:"ValueNode"`
}

// ValueColumn is one column of a DataFrame (or the values of a Series): the
// first rows only.
type ValueColumn struct {
	Name   string       `json:"name"`
	Dtype  string       `json:"dtype,omitempty"`
	Values []*ValueNode `json:"values" tstype:"ValueNode[]"`
}
