//go:build !unix

package mfsim

import "os"

func writeFast(full string, data []byte, perm os.FileMode) error {
	return os.WriteFile(full, data, perm)
}
