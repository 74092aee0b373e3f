package content

import (
	"context"
	"fmt"
	"strings"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/media"
)

// usesMedia finds a media URL in everything content stores that can show an
// image: the rich-text bodies and answers, and the event and banner images.
// The one pattern goes in every placeholder.
const usesMedia = `SELECT
	EXISTS (SELECT 1 FROM content_notices WHERE body LIKE ? ESCAPE '\') OR
	EXISTS (SELECT 1 FROM content_events WHERE body LIKE ? ESCAPE '\' OR image_url LIKE ? ESCAPE '\') OR
	EXISTS (SELECT 1 FROM content_faqs WHERE answer LIKE ? ESCAPE '\') OR
	EXISTS (SELECT 1 FROM content_pages WHERE body LIKE ? ESCAPE '\') OR
	EXISTS (SELECT 1 FROM content_banners WHERE image_url LIKE ? ESCAPE '\')`

// InUse returns those of the uploaded media keys that a notice, event, FAQ
// answer, page or banner shows, so that the uploads' sweep
// (media.Uploads) keeps them. It reads one key at a time: the sweep hands
// over the few uploads that passed their grace period.
func (s *Service) InUse(ctx context.Context, keys []string) ([]string, error) {
	var used []string
	q := s.d.Read()
	for _, k := range keys {
		p := "%" + db.EscapeLike(media.URLPrefix+k) + "%"
		args := make([]any, strings.Count(usesMedia, "?"))
		for i := range args {
			args[i] = p
		}
		var yes bool
		if err := q.GetContext(ctx, &yes, q.Rebind(usesMedia), args...); err != nil {
			return nil, fmt.Errorf("content media in use: %w", err)
		}
		if yes {
			used = append(used, k)
		}
	}
	return used, nil
}
