package settings

import (
	"context"

	"github.com/mallang/mallang/internal/media"
)

// InUse returns those of the uploaded media keys that the settings name
// (the logo), so that the uploads' sweep (media.Uploads) keeps them. It
// reads the stored settings, not this node's cache, so a logo another node
// just set counts.
func (s *Service) InUse(ctx context.Context, keys []string) ([]string, error) {
	st, err := readSettings(ctx, s.d.Read())
	if err != nil {
		return nil, err
	}
	var used []string
	for _, k := range keys {
		if st.Logo != "" && st.Logo == media.URLPrefix+k {
			used = append(used, k)
		}
	}
	return used, nil
}
