package mfsim

// Version selects which Metaflow release the datastore imitates. Only the
// differences a viewer can see are modelled (docs/format.md §16).
type Version int

const (
	// V2_19 is Metaflow 2.19.38, the reference release of docs/format.md.
	V2_19 Version = iota
	// V2_12 is Metaflow 2.12.39: card HTML written twice (steps/ and the
	// legacy tasks/ path), no card-info, no foreach-stack, no script-name,
	// no start_step/end_step, the old dag shape, gzip+pickle-v2 artifacts.
	V2_12
	// V2_11 is Metaflow 2.11.0: as V2_12, and the runtime data JSON has no
	// created_on.
	V2_11
)

// CardLayout says where card HTML goes.
type CardLayout int

const (
	// LayoutAuto follows the Version: steps/ only for V2_19, both paths for
	// the older ones.
	LayoutAuto CardLayout = iota
	// LayoutSteps writes only mf.cards/<flow>/runs/<run>/steps/<step>/tasks/<id>/cards.
	LayoutSteps
	// LayoutDual writes the steps/ path and then the legacy
	// mf.cards/<flow>/runs/<run>/tasks/<id>/cards path (2.7.10 to 2.15.17).
	LayoutDual
	// LayoutLegacy writes only the legacy path (Metaflow before 2.7.10).
	// Runtime data JSON still goes under steps/, the only place any
	// Metaflow ever wrote it.
	LayoutLegacy
)

// features is what a Version changes on disk.
type features struct {
	version         string
	cardInfo        bool // sysmeta card-info records (2.15.19)
	foreachStack    bool // foreach-stack, foreach-execution-path (2.14.1)
	scriptName      bool // script-name sysmeta (2.15.8)
	graphMeta       bool // _parameters start_step/end_step (2.19.23)
	dagSteps        bool // dag data {steps, start_step, end_step} (2.19.23)
	createdOn       bool // created_on in data JSON (2.11.4)
	codePackageMeta bool // task_begin code_package_metadata (2.16.0)
	pickleV4        bool // encoding "pickle-v4" + serializer_info (2.19.26)
	newArtifacts    bool // _configs_processed, _iteration_stack (2.15.17, 2.17.4)
	attemptColumn   bool // default card "Attempt" column (2.17.0)
	taskCode        bool // default card "Task Code" section, log ids (2.13.3)
	oldWhitespace   bool // "<script> " and a two-space line after </style>
	layout          CardLayout
	bundleBytes     int // size of the real main.js of that release
	cssBytes        int // size of the stylesheet comment of the fixtures
	elidedBytes     int // the number in the fixtures' "bundle elided" comment
}

func (v Version) features() features {
	switch v {
	case V2_12, V2_11:
		f := features{
			version:     "2.12.39",
			createdOn:   true,
			layout:      LayoutDual,
			bundleBytes: 1027705,
			cssBytes:    11989,
			elidedBytes: 1027680,
		}
		f.oldWhitespace = true
		if v == V2_11 {
			f.version = "2.11.0"
			f.createdOn = false
			f.bundleBytes = 1027769
			f.elidedBytes = 1027744
		}
		return f
	}
	return features{
		version:         "2.19.38",
		cardInfo:        true,
		foreachStack:    true,
		scriptName:      true,
		graphMeta:       true,
		dagSteps:        true,
		createdOn:       true,
		codePackageMeta: true,
		pickleV4:        true,
		newArtifacts:    true,
		attemptColumn:   true,
		taskCode:        true,
		layout:          LayoutSteps,
		bundleBytes:     RealBundleSize,
		cssBytes:        28053,
		elidedBytes:     1056062,
	}
}

// RealBundleSize is the size of Metaflow 2.19.38's main.js, the bulk of
// every template card (docs/format.md §17).
const RealBundleSize = 1056101
