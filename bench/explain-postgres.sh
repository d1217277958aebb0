#!/usr/bin/env bash
# EXPLAIN ANALYZE of the hot read queries on a PostgreSQL database seeded by
# `newsdesk seed --scale`, written as the domain layer builds them (the
# values are those the benchmark asks for: section-1, story-1, page 500).
#
#   bench/explain-postgres.sh postgres://postgres@127.0.0.1:5432/newsdesk_bench
set -euo pipefail
URL=${1:?usage: bench/explain-postgres.sh DATABASE_URL}
PUBLIC="a.status IN ('published', 'scheduled') AND a.published_at <= now()"
ROW="a.id, a.slug, a.title, a.subtitle, a.excerpt, a.published_at, a.section_id, a.featured_image_url, a.featured_image_alt, a.featured_image_caption, a.featured_image_credit, a.reading_time_minutes"

explain() { # $1 title, $2 query
  echo "-- $1"
  psql "$URL" -X -q -At -c "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) $2"
  echo
}

PAGE500=$(psql "$URL" -X -At -c "SELECT published_at || '|' || id FROM articles a WHERE $PUBLIC ORDER BY published_at DESC, id DESC OFFSET 9999 LIMIT 1")
SECTION=$(psql "$URL" -X -At -c "SELECT id FROM sections WHERE slug = 'section-1'")
AT=${PAGE500%%|*}
ID=${PAGE500##*|}

explain "(a) a section's latest 20 (+1 to know if there is more)" \
  "SELECT $ROW FROM articles a WHERE $PUBLIC AND a.section_id IN ($SECTION) ORDER BY a.published_at DESC, a.id DESC LIMIT 21"
explain "(b) an article by slug" \
  "SELECT $ROW FROM articles a WHERE $PUBLIC AND a.slug = 'story-1'"
explain "(b) its first 20 comment threads" \
  "SELECT * FROM comments WHERE article_id = 1 AND status = 'approved' AND root_id IS NULL ORDER BY created_at, id LIMIT 21"
explain "(b) the replies in those threads" \
  "SELECT * FROM comments WHERE article_id = 1 AND status = 'approved' AND root_id IN (SELECT id FROM comments WHERE article_id = 1 AND root_id IS NULL)"
explain "credits of a page of articles (one statement per relation)" \
  "SELECT aa.article_id, au.slug, au.name FROM article_authors aa JOIN authors au ON au.id = aa.author_id WHERE aa.article_id IN (1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20) ORDER BY aa.article_id, aa.position"
explain "(e) the article list, page 1" \
  "SELECT $ROW FROM articles a WHERE $PUBLIC ORDER BY a.published_at DESC, a.id DESC LIMIT 21"
explain "(e) the article list, page 500 (after the cursor of row 10,000)" \
  "SELECT $ROW FROM articles a WHERE a.status IN ('published', 'scheduled') AND a.published_at <= '$AT' AND (a.published_at, a.id) < ('$AT', $ID) ORDER BY a.published_at DESC, a.id DESC LIMIT 21"
explain "(c) more like this: the best tag-sharing articles from around the same time" \
  "SELECT $ROW, COUNT(t.tag_id) + CASE WHEN a.section_id = 2 THEN 1 ELSE 0 END AS score FROM articles a JOIN article_tags t ON t.article_id = a.id WHERE $PUBLIC AND t.tag_id IN (SELECT tag_id FROM article_tags WHERE article_id = 1) AND t.article_id BETWEEN 1 - 10000 AND 1 + 10000 AND a.id <> 1 GROUP BY a.id ORDER BY score DESC, a.published_at DESC, a.id DESC LIMIT 5"
explain "(c) popular this week" \
  "SELECT v.article_id, SUM(v.views) AS views FROM article_views v WHERE v.day >= current_date - 7 AND EXISTS (SELECT 1 FROM articles a WHERE a.id = v.article_id AND $PUBLIC) GROUP BY v.article_id ORDER BY views DESC, v.article_id DESC LIMIT 5"
