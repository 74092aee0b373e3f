package content

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mallang/mallang/internal/media"
)

// mediaTexts reads everything content stores that can show an image and
// names a media URL: the rich-text bodies and answers, and the event and
// banner images. Every placeholder takes media.MentionPattern.
const mediaTexts = `SELECT body FROM content_notices WHERE body LIKE ?
	UNION ALL SELECT body FROM content_events WHERE body LIKE ?
	UNION ALL SELECT image_url FROM content_events WHERE image_url LIKE ?
	UNION ALL SELECT answer FROM content_faqs WHERE answer LIKE ?
	UNION ALL SELECT body FROM content_pages WHERE body LIKE ?
	UNION ALL SELECT image_url FROM content_banners WHERE image_url LIKE ?`

// InUse returns those of the uploaded media keys that a notice, event, FAQ
// answer, page or banner shows, so that the uploads' sweep
// (media.Uploads) keeps them. It reads the texts once for all keys.
func (s *Service) InUse(ctx context.Context, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	m := media.NewMentions(keys)
	if err := m.ScanQuery(ctx, s.d.Read(), mediaTexts, slices.Repeat([]any{media.MentionPattern}, strings.Count(mediaTexts, "?"))...); err != nil {
		return nil, fmt.Errorf("content media in use: %w", err)
	}
	return m.Found(), nil
}
