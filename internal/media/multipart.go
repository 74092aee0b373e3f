package media

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/mallang/mallang/internal/fault"
)

// ErrIncomplete is wrapped by StageMultipart when the body could not be
// read to its end: cut off, or over the route's limit (then it also wraps
// *http.MaxBytesError).
var ErrIncomplete = errors.New("upload incomplete")

// Limits of an upload request (product images, an editor image): files of
// at most MaxImageBytes each, at most MaxUploadFiles of them and
// MaxUploadBytes in all.
const (
	MaxUploadFiles = 10
	MaxUploadBytes = 32 << 20
)

// maxValueBytes caps each text field of an upload form.
const maxValueBytes = 4 << 10

// Reject is a file of an upload refused for what it is: Name is the file's
// name as the client gave it (for messages only), Message says why
// ("image is larger than 10 MB", "not an image (JPEG, PNG, GIF or WebP)").
type Reject struct {
	Name, Message string
}

// Upload is a multipart body read to its end: the files of the field
// staged, in order, the files refused, and the text fields.
type Upload struct {
	Files   []*Staged
	Rejects []Reject
	Values  url.Values
}

// Remove deletes the staged files' temporary copies.
func (u *Upload) Remove() {
	for _, f := range u.Files {
		f.Remove()
	}
}

// StageMultipart reads r's multipart/form-data body part by part, never a
// whole file in memory: each file of field is staged (Stage, at most
// perFile bytes) or, if it is not an image or too big, rejected with a
// message; empty file parts (no file chosen) are skipped; text fields of at
// most 4 KB are kept in Values. More than maxFiles files is a
// *fault.Invalid on field, and so is a body that is not multipart. When the
// body cannot be read to its end the error wraps ErrIncomplete and nothing
// is left staged. The caller removes the Upload when done.
func StageMultipart(r *http.Request, field string, perFile int64, maxFiles int) (_ *Upload, err error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &fault.Invalid{Fields: map[string]string{field: "send the files as multipart/form-data"}}
	}
	up := &Upload{Values: url.Values{}}
	defer func() {
		if err != nil {
			up.Remove()
		}
	}()
	files := 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return up, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrIncomplete, err)
		}
		name := part.FormName()
		if part.FileName() == "" {
			if name == field {
				// An input left empty still sends its part.
				if _, err := io.Copy(io.Discard, part); err != nil {
					return nil, fmt.Errorf("%w: %w", ErrIncomplete, err)
				}
				continue
			}
			b, err := io.ReadAll(io.LimitReader(part, maxValueBytes+1))
			if err != nil {
				return nil, fmt.Errorf("%w: %w", ErrIncomplete, err)
			}
			if len(b) > maxValueBytes {
				return nil, &fault.Invalid{Fields: map[string]string{name: "is too long"}}
			}
			up.Values.Add(name, string(b))
			continue
		}
		if name != field {
			continue // NextPart skips what is left of it
		}
		st, err := Stage(part, perFile)
		if inv, ok := fault.AsInvalid(err); ok {
			up.Rejects = append(up.Rejects, Reject{Name: part.FileName(), Message: inv.Fields["image"]})
			// Read the rest of the file, so a cut-off body is told
			// apart from a refused file.
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, fmt.Errorf("%w: %w", ErrIncomplete, err)
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrIncomplete, err)
		}
		if files++; files > maxFiles {
			st.Remove()
			return nil, &fault.Invalid{Fields: map[string]string{field: fmt.Sprintf("at most %d files at once", maxFiles)}}
		}
		up.Files = append(up.Files, st)
	}
}
