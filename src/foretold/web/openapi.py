"""The OpenAPI 3.1 description of the dashboard's JSON API (served at ``/api/openapi.json``).

>>> sorted(SPEC["paths"])[:3]
['/api/campaigns', '/api/campaigns/{name}/alerts', '/api/campaigns/{name}/amplifiers']
"""

from __future__ import annotations

from typing import Any

from foretold import __version__


def _get(
    summary: str, schema: dict[str, Any], params: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
            "401": {"description": "a token is required (FORETOLD_TOKEN)"},
            "404": {"description": "no such campaign or path"},
            "503": {"description": "the store does not exist yet"},
        },
    }
    if params:
        op["parameters"] = params
    return {"get": op}


#: what the panels read (foretold.store_reads.PANELS)
_WINDOW = "the campaign's last week of stream time, at most its newest 50,000 posts"
_NAME = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
_LIMIT = {
    "name": "limit",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": 200},
}
_OBJ = {"type": "object"}
_LIST = {"type": "array", "items": {"type": "object"}}
_POST = {"$ref": "#/components/schemas/Post"}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "foretold dashboard API",
        "version": __version__,
        "description": (
            "Read-only views of a foretold store, used by the dashboard page. Bound to "
            "localhost by default; on any other address every request needs the token "
            "(FORETOLD_TOKEN) as `Authorization: Bearer TOKEN`, the `foretold_token` cookie "
            "or `?token=TOKEN`. Post text is returned as stored: untrusted, escape it."
        ),
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Campaign": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "level": {"enum": ["none", "watch", "warning", "crisis"]},
                    "risk": {"type": ["number", "null"]},
                    "updated_at": {"type": ["string", "null"], "format": "date-time"},
                    "posts": {"type": "integer"},
                    "alerts": {"type": "integer"},
                    "last_alert": {"type": ["string", "null"]},
                },
            },
            "Post": {
                "type": "object",
                "properties": {
                    "seq": {"type": "integer"},
                    "platform": {"type": "string"},
                    "id": {"type": "string"},
                    "created_at": {"type": "string"},
                    "text": {"type": "string", "description": "untrusted"},
                    "kind": {"type": "string"},
                    "author": {"type": "string"},
                    "followers": {"type": ["integer", "null"]},
                    "engagement": {"type": "integer"},
                    "sentiment": {"type": ["string", "null"]},
                    "flags": {"type": "array", "items": {"type": "string"}},
                    "media": {"type": "array", "items": {"$ref": "#/components/schemas/Media"}},
                },
            },
            "Media": {
                "type": "object",
                "description": "a picture of the post (docs/media.md); texts are untrusted",
                "properties": {
                    "type": {"type": "string"},
                    "url": {"type": ["string", "null"], "description": "never loaded by the page"},
                    "alt_text": {"type": ["string", "null"], "description": "untrusted"},
                    "key": {"type": ["string", "null"]},
                    "index": {"type": "integer"},
                    "image_text": {"type": ["string", "null"], "description": "untrusted"},
                    "phash": {"type": ["string", "null"]},
                    "thumb": {
                        "type": ["string", "null"],
                        "description": "the dashboard's own /media address of a local copy",
                    },
                },
            },
        },
    },
    "security": [{}, {"bearer": []}],
    "paths": {
        "/api/status": _get(
            "Store fingerprint: last post seq and alert count",
            {
                "type": "object",
                "properties": {"posts": {"type": "integer"}, "alerts": {"type": "integer"}},
            },
        ),
        "/api/campaigns": _get(
            "Campaigns with their current level",
            {"type": "array", "items": {"$ref": "#/components/schemas/Campaign"}},
        ),
        "/api/campaigns/{name}/timeline": _get(
            "Per-window volume, hijack risk and shares (columns), phases and alert markers",
            _OBJ,
            [
                _NAME,
                {
                    "name": "window",
                    "in": "query",
                    "schema": {"enum": [60, 300, 900, 3600], "default": 900},
                },
            ],
        ),
        "/api/campaigns/{name}/mix": _get(
            "Hourly shares of positive, neutral, negative, ironic and offensive posts",
            _OBJ,
            [_NAME],
        ),
        "/api/campaigns/{name}/amplifiers": _get(
            f"Top accounts by reach ({_WINDOW})", _LIST, [_NAME, _LIMIT]
        ),
        "/api/campaigns/{name}/posts": _get(
            f"Top posts by engagement ({_WINDOW})",
            {"type": "array", "items": _POST},
            [_NAME, _LIMIT],
        ),
        "/api/campaigns/{name}/latest": _get(
            "Newest posts in store order", {"type": "array", "items": _POST}, [_NAME, _LIMIT]
        ),
        "/api/campaigns/{name}/links": _get(
            f"Most shared links and domains ({_WINDOW})", _OBJ, [_NAME, _LIMIT]
        ),
        "/api/campaigns/{name}/pictures": _get(
            "The most repeated pictures of the campaign's last 6 hours of stream time "
            "(at most its newest 50,000 posts; perceptual hashes 6 bits apart as one): posts, "
            "accounts, first and last seen, the text read in them (untrusted), an alt text "
            "(untrusted), an example post, and thumb (the dashboard's own /media address or null)",
            _LIST,
            [_NAME, _LIMIT],
        ),
        "/api/campaigns/{name}/alerts": _get(
            "Alerts, newest first, with their evidence (PRODUCT.md shape plus evidence_posts)",
            _LIST,
            [_NAME, _LIMIT],
        ),
        "/api/campaigns/{name}/coordination": _get(
            "The swarm behind the campaign's last hour: near-copy clusters, coordinated"
            " accounts with scores and drivers, synchronised groups, near-copy shares"
            " (docs/coordination.md)",
            _OBJ,
            [_NAME],
        ),
        "/api/campaigns/{name}/languages": _get(
            "The campaign's posts by language (share, posts) with posts quoted in their"
            f" own language ({_WINDOW})",
            _OBJ,
            [_NAME],
        ),
        "/api/sources": _get("Live sources and their status", _LIST),
        "/media": {
            "get": {
                "summary": "A post's picture from the local media folders (a thumbnail)",
                "parameters": [
                    {
                        "name": n,
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer" if n == "index" else "string"},
                    }
                    for n in ("platform", "id", "index")
                ],
                "responses": {
                    "200": {"description": "image/jpeg, image/png, image/gif or image/webp"},
                    "400": {"description": "platform, id and index are required"},
                    "404": {"description": "no local picture in the media folders"},
                },
            }
        },
        "/events": {
            "get": {
                "summary": "Server-sent events: `change` with the store fingerprint when it changes",
                "responses": {"200": {"description": "text/event-stream"}},
            }
        },
    },
}
