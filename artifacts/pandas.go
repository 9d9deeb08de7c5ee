package artifacts

import "fmt"

// pandas DataFrame and Series from their pickled state (pandas 1.x/2.x):
// the object is NEWOBJ + BUILD {"_mgr": manager, ...}; the manager is
// either BlockManager(blocks, axes) with blocks
// _unpickle_block(values, placement, ndim) (pandas >= 1.4), or NEWOBJ +
// BUILD (axes, values, items, {"0.14.1": {"axes", "blocks"}}) (older, and
// SingleBlockManager). Axes are _new_Index(cls, {"data": ndarray, ...}) or
// RangeIndex {start, stop, step}. Blocks are numpy arrays read by numpy.go.
// What does not fit these forms is "a pandas DataFrame, shape unknown".

func init() {
	register(rebuildDataFrame, "pandas.core.frame.DataFrame")
	register(rebuildSeries, "pandas.core.series.Series")
}

type pdIndex struct {
	n     int64
	label func(i int64) *Value
}

type pdBlock struct {
	arr  *array
	locs []int64 // column positions of the block's rows
}

type pdFrame struct {
	axes   []*pdIndex
	blocks []pdBlock
	name   any
}

func dictGet(d *pyDict, key string) (any, bool) {
	if d == nil {
		return nil, false
	}
	for i, k := range d.keys {
		if k == key {
			return d.vals[i], true
		}
	}
	return nil, false
}

func callee(x any) string {
	if o, ok := x.(*pyObject); ok {
		if c, ok := o.callee.(*pyClass); ok {
			return c.full()
		}
	}
	return ""
}

func (c *converter) pdIndex(x any) (*pdIndex, error) {
	o, ok := x.(*pyObject)
	if !ok || callee(x) != "pandas.core.indexes.base._new_Index" || len(o.args) != 2 {
		return nil, fmt.Errorf("index is not a _new_Index")
	}
	cls, _ := o.args[0].(*pyClass)
	d, _ := o.args[1].(*pyDict)
	if cls == nil || d == nil {
		return nil, fmt.Errorf("index arguments")
	}
	if cls.name == "RangeIndex" {
		var start, stop, step int64 = 0, 0, 1
		for _, k := range []string{"start", "stop", "step"} {
			v, ok := dictGet(d, k)
			if !ok {
				continue
			}
			n, ok := v.(int64)
			if !ok {
				return nil, fmt.Errorf("RangeIndex %s", k)
			}
			switch k {
			case "start":
				start = n
			case "stop":
				stop = n
			default:
				step = n
			}
		}
		if step == 0 {
			return nil, fmt.Errorf("RangeIndex step 0")
		}
		n := (stop - start + step - step/abs(step)) / step
		if n < 0 {
			n = 0
		}
		return &pdIndex{n: n, label: func(i int64) *Value { c.nodes++; return intValue(start+i*step, "builtins.int") }}, nil
	}
	data, _ := dictGet(d, "data")
	a, err := parseArray(data)
	if err != nil {
		return nil, fmt.Errorf("index data: %w", err)
	}
	if len(a.shape) != 1 {
		return nil, fmt.Errorf("index of %d dimensions", len(a.shape))
	}
	return &pdIndex{n: a.size, label: func(i int64) *Value { return c.item(a, a.offset(i), 1) }}, nil
}

func placement(x any) ([]int64, error) {
	if callee(x) == "builtins.slice" {
		o := x.(*pyObject)
		if len(o.args) != 3 {
			return nil, fmt.Errorf("slice")
		}
		start, ok1 := o.args[0].(int64)
		stop, ok2 := o.args[1].(int64)
		step, ok3 := o.args[2].(int64)
		if _, none := o.args[2].(pyNone); none {
			step, ok3 = 1, true
		}
		if !ok1 || !ok2 || !ok3 || step <= 0 || stop-start > 1<<20 {
			return nil, fmt.Errorf("slice arguments")
		}
		var out []int64
		for i := start; i < stop; i += step {
			out = append(out, i)
		}
		return out, nil
	}
	a, err := parseArray(x)
	if err != nil || (a.dt.kind != 'i' && a.dt.kind != 'u') || a.dt.size != 8 {
		return nil, fmt.Errorf("placement")
	}
	out := make([]int64, a.size)
	for i := range out {
		out[i] = int64(a.dt.order.Uint64(a.raw[i*8:]))
	}
	return out, nil
}

func (c *converter) pdFrame(o *pyObject) (*pdFrame, error) {
	state, _ := o.state.(*pyDict)
	mgr, ok := dictGet(state, "_mgr")
	if !ok {
		mgr, ok = dictGet(state, "_data")
	}
	if !ok {
		return nil, fmt.Errorf("no _mgr")
	}
	f := &pdFrame{}
	f.name, _ = dictGet(state, "name")
	m, ok := mgr.(*pyObject)
	if !ok {
		return nil, fmt.Errorf("manager is a %s", goKind(mgr))
	}
	var axes, blocks []any
	if !m.newobj && len(m.args) == 2 { // BlockManager(blocks, axes)
		bt, ok1 := m.args[0].(pyTuple)
		al, ok2 := m.args[1].(*pyList)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("BlockManager arguments")
		}
		axes = al.items
		for _, b := range bt {
			bo, ok := b.(*pyObject)
			if !ok || callee(b) != "pandas._libs.internals._unpickle_block" || len(bo.args) < 2 {
				return nil, fmt.Errorf("block is not _unpickle_block")
			}
			blocks = append(blocks, [2]any{bo.args[0], bo.args[1]})
		}
	} else { // NEWOBJ + BUILD (axes, values, items, {"0.14.1": ...})
		st, ok := m.state.(pyTuple)
		if !ok || len(st) != 4 {
			return nil, fmt.Errorf("manager state")
		}
		extra, _ := st[3].(*pyDict)
		v, ok := dictGet(extra, "0.14.1")
		d, _ := v.(*pyDict)
		if !ok || d == nil {
			return nil, fmt.Errorf("manager state has no 0.14.1 part")
		}
		ax, _ := dictGet(d, "axes")
		bl, _ := dictGet(d, "blocks")
		al, ok1 := ax.(*pyList)
		bls, ok2 := bl.(*pyList)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("manager axes/blocks")
		}
		axes = al.items
		for _, b := range bls.items {
			bd, _ := b.(*pyDict)
			vals, ok1 := dictGet(bd, "values")
			locs, ok2 := dictGet(bd, "mgr_locs")
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("block dict")
			}
			blocks = append(blocks, [2]any{vals, locs})
		}
	}
	for _, a := range axes {
		ix, err := c.pdIndex(a)
		if err != nil {
			return nil, err
		}
		f.axes = append(f.axes, ix)
	}
	for _, b := range blocks {
		pair := b.([2]any)
		arr, err := parseArray(pair[0])
		if err != nil {
			return nil, fmt.Errorf("block values: %w", err)
		}
		locs, err := placement(pair[1])
		if err != nil {
			return nil, err
		}
		f.blocks = append(f.blocks, pdBlock{arr: arr, locs: locs})
	}
	return f, nil
}

// cell is the Value at (row, position p within the block).
func (c *converter) cell(b pdBlock, p, row int64) (*Value, bool) {
	a := b.arr
	var flat int64
	switch len(a.shape) {
	case 1:
		flat = row
	case 2:
		flat = p*a.shape[1] + row
	default:
		return nil, false
	}
	if flat >= a.size {
		return nil, false
	}
	return c.item(a, a.offset(flat), 1), true
}

func labelName(v *Value) string {
	switch v.Kind {
	case KindStr:
		s, _ := v.Value.(string)
		return s
	case KindNone:
		return ""
	}
	return v.Repr
}

func unknownFrame(cls *pyClass, what string, err error) *Value {
	return &Value{Kind: what, Type: cls.full(), Repr: "<" + cls.full() + ", shape unknown>",
		Error: "a pandas " + map[string]string{KindDataFrame: "DataFrame", KindSeries: "Series"}[what] + ", shape unknown (" + err.Error() + ")"}
}

func rebuildDataFrame(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	f, err := c.pdFrame(o)
	if err == nil && len(f.axes) != 2 {
		err = fmt.Errorf("%d axes", len(f.axes))
	}
	if err != nil {
		return unknownFrame(cls, KindDataFrame, err)
	}
	cols, index := f.axes[0], f.axes[1]
	rows := min(index.n, int64(c.lim.MaxRows))
	out := &Value{Kind: KindDataFrame, Type: cls.full(), Shape: []int64{index.n, cols.n}, Len: &index.n,
		Repr: "DataFrame(shape=" + shapeRepr([]int64{index.n, cols.n}) + ")"}
	where := map[int64][2]int64{} // column -> block, position
	for bi, b := range f.blocks {
		for p, loc := range b.locs {
			where[loc] = [2]int64{int64(bi), int64(p)}
		}
	}
	for j := int64(0); j < cols.n; j++ {
		if j >= int64(c.lim.MaxItems) || c.full() {
			out.Truncated = true
			break
		}
		col := Column{Name: labelName(cols.label(j)), Values: []*Value{}}
		if w, ok := where[j]; ok {
			b := f.blocks[w[0]]
			col.Dtype = b.arr.dt.name
			for r := int64(0); r < rows; r++ {
				v, ok := c.cell(b, w[1], r)
				if !ok {
					break
				}
				col.Values = append(col.Values, v)
			}
		}
		out.Columns = append(out.Columns, col)
	}
	for r := int64(0); r < rows; r++ {
		out.Index = append(out.Index, index.label(r))
	}
	if index.n > rows {
		out.Truncated = true
	}
	return out
}

func rebuildSeries(c *converter, o *pyObject, cls *pyClass, depth int) *Value {
	f, err := c.pdFrame(o)
	if err == nil && (len(f.axes) != 1 || len(f.blocks) != 1) {
		err = fmt.Errorf("%d axes, %d blocks", len(f.axes), len(f.blocks))
	}
	if err != nil {
		return unknownFrame(cls, KindSeries, err)
	}
	index, b := f.axes[0], f.blocks[0]
	rows := min(index.n, int64(c.lim.MaxRows))
	name := c.value(f.name, c.lim.MaxDepth)
	if f.name == nil {
		name = c.value(pyNone{}, c.lim.MaxDepth)
	}
	out := &Value{Kind: KindSeries, Type: cls.full(), Dtype: b.arr.dt.name, Shape: []int64{index.n}, Len: &index.n,
		Repr: "Series(name=" + name.Repr + ", shape=" + shapeRepr([]int64{index.n}) + ")"}
	col := Column{Name: labelName(name), Dtype: b.arr.dt.name, Values: []*Value{}}
	for r := int64(0); r < rows; r++ {
		v, ok := c.cell(b, 0, r)
		if !ok {
			break
		}
		col.Values = append(col.Values, v)
		out.Index = append(out.Index, index.label(r))
	}
	out.Columns = []Column{col}
	if index.n > rows {
		out.Truncated = true
	}
	return out
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
