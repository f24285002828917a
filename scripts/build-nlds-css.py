#!/usr/bin/env python3
"""Build the NL Design System stylesheet the screens serve (issue 16), from the npm packages
@utrecht/component-library-css and @utrecht/design-tokens (EUPL-1.2), into the intake's static dir.

Only the components the screens use are kept (the whole library is 400 KB; old office PCs and the
150 KB page budget want less). Run after changing the list, commit the result: running the product
needs no npm.  Usage: scripts/build-nlds-css.py [node_modules dir]
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "services/intake/entrypoints/screens/static"
#: Components (class prefixes after "utrecht-") the screens' templates use.
USED = ("document", "page-layout", "page-header", "page-body", "page-content", "page-footer", "skip-link",
        "heading-1", "heading-2", "heading-3", "paragraph", "link", "button", "button-group", "form-field",
        "form-label", "form-field-description", "form-field-error-message", "form-fieldset", "textbox",
        "textarea", "select", "checkbox", "alert", "table", "table-container", "data-list", "unordered-list",
        "ordered-list", "badge-status", "status-badge", "nav-bar", "nav-list", "separator", "emphasis",
        "code", "root", "body", "button-link")


def blocks(css: str):
    """Top-level (prelude, body) pairs; body None for a statement like @charset."""
    i, n = 0, len(css)
    while i < n:
        j = i
        while j < n and css[j] not in "{;":
            j += 1
        if j >= n:
            return
        prelude = css[i:j].strip()
        if css[j] == ";":
            yield prelude, None
            i = j + 1
            continue
        depth, k = 1, j + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[k], 0)
            k += 1
        yield prelude, css[j + 1:k - 1]
        i = k


def keep_selector(selector: str) -> bool:
    classes = re.findall(r"\.utrecht-([a-z0-9-]+?)(?:--[a-z0-9-]+|__[a-z0-9-]+)?(?=[^a-z0-9-]|$)", selector)
    return all(c in USED for c in classes)


def filtered(css: str) -> str:
    out = []
    for prelude, body in blocks(re.sub(r"/\*.*?\*/", "", css, flags=re.S)):
        if body is None:
            continue
        if prelude.startswith(("@media", "@supports", "@layer", "@container")):
            inner = filtered(body)
            if inner.strip():
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body.strip()}}}")
        else:
            kept = [s.strip() for s in prelude.split(",") if keep_selector(s)]
            if kept:
                out.append(f"{','.join(kept)}{{{' '.join(body.split())}}}")
    return "\n".join(out)


def theme_tokens(css: str, components: str) -> str:
    """The theme's custom properties that the kept components (or the basics they refer to) use."""
    wanted = set(re.findall(r"var\((--[a-z0-9-]+)", components))
    decls = dict(re.findall(r"(--[a-z0-9-]+):\s*([^;]+);", css))
    todo, seen = list(wanted), set()
    while todo:  # tokens referring to other tokens
        name = todo.pop()
        if name in seen or name not in decls:
            continue
        seen.add(name)
        todo += re.findall(r"var\((--[a-z0-9-]+)", decls[name])
    return ".utrecht-theme{" + ";".join(f"{k}:{decls[k]}" for k in sorted(seen)) + "}"


def main() -> None:
    modules = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".tools/node_modules") / "@utrecht"
    components = filtered((modules / "component-library-css/dist/index.css").read_text())
    theme = theme_tokens((modules / "design-tokens/dist/theme.css").read_text(), components)
    header = ("/* NL Design System: @utrecht/component-library-css and @utrecht/design-tokens, EUPL-1.2,\n"
              " * Copyright (c) 2020-2025 Gemeente Utrecht, Frameless B.V. (see LICENSE-utrecht.md);\n"
              " * the components the screens use, built by scripts/build-nlds-css.py. */\n")
    (OUT / "nlds.css").write_text(header + theme + "\n" + components + "\n")
    shutil.copy(modules / "component-library-css/LICENSE.md", OUT / "LICENSE-utrecht.md")
    print(f"{OUT / 'nlds.css'}: {(OUT / 'nlds.css').stat().st_size} bytes")


if __name__ == "__main__":
    main()
