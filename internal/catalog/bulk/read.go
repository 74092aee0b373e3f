package bulk

import (
	"errors"

	"github.com/mallang/mallang/internal/sheet"
)

// read parses the file within the import's limits; a file that cannot be
// read at all is a *FileError.
func read(b []byte) (*sheet.File, error) {
	s, err := sheet.Read(b, sheet.Limits{MaxBytes: MaxFileBytes, MaxRows: MaxRows})
	var fe *sheet.FileError
	if errors.As(err, &fe) {
		return nil, &FileError{Code: fe.Code, Detail: fe.Detail}
	}
	return s, err
}
