"""The JavaScript that tests/support/browser.py evaluates in the page, kept apart so each side stays readable.

Each constant is one expression whose value is plain JSON, so ``Runtime.evaluate`` can return it by value.
"""

from __future__ import annotations

# A short, readable CSS path for an element: what a person fixing the page searches the template for.
_SELECTOR = r"""
const selectorOf = (el) => {
  const parts = [];
  for (let e = el; e && e.nodeType === 1 && e !== document.documentElement && parts.length < 4; e = e.parentElement) {
    let s = e.tagName.toLowerCase();
    if (e.id) { parts.unshift(s + '#' + e.id); break; }
    const classes = [...e.classList].slice(0, 2);
    if (classes.length) s += '.' + classes.join('.');
    const parent = e.parentElement;
    if (parent) {
      const same = [...parent.children].filter((c) => c.tagName === e.tagName);
      if (same.length > 1) s += ':nth-of-type(' + (same.indexOf(e) + 1) + ')';
    }
    parts.unshift(s);
  }
  return parts.join(' > ');
};
const shortText = (el) => (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
"""

# axe.run over the whole document for the given tags (a JSON list is substituted for %s); violations only.
AXE_RUN = r"""
axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']}).then((r) =>
  r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                summary: (n.failureSummary || '').split('\n').slice(0, 2).join(' ')}))})))
"""

# Page-level horizontal overflow, elements whose box reaches outside their parent's (where the parent does not
# scroll or clip: then the parent's own entry says it), content cut off by overflow: hidden/clip, and scroll
# containers whose content is wider (reported apart: a data table scrolling in its own box is allowed by WCAG 1.4.10).
# Boxes wholly left of or above the page (the usual "visually hidden" trick) can never be scrolled to, and what is
# not rendered (display: none, visibility: hidden, a closed <details>) cannot stick out: both skipped.
OVERFLOW = "(() => {" + _SELECTOR + r"""
  const root = document.scrollingElement || document.documentElement;
  const elements = [], scrollers = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || box.right <= 0 || box.bottom <= 0) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;  // e.g. inside a closed <details>
    const style = getComputedStyle(el);
    if (style.position === 'fixed') continue;
    if (style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) {
      const entry = {selector: selectorOf(el), px: el.scrollWidth - el.clientWidth, text: shortText(el)};
      if (style.overflowX === 'auto' || style.overflowX === 'scroll') scrollers.push(entry);
      else elements.push({...entry, kind: 'clipped'});
    }
    const parent = el.parentElement;
    if (parent && parent !== document.documentElement && getComputedStyle(parent).overflowX === 'visible') {
      const outer = parent.getBoundingClientRect();
      const out = Math.max(box.right - outer.right, outer.left - box.left);
      if (out > 1) elements.push({selector: selectorOf(el), kind: 'outside-parent', px: Math.round(out),
                                  text: shortText(el)});
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, elements: elements.slice(0, 50),
          scrollers: scrollers.slice(0, 50)};
})()"""

# The element with keyboard focus, with what a sighted keyboard user needs: is it (or a label of it, for a control
# hidden off-screen behind its label) on screen, and does it show a focus indicator (outline or box shadow).
FOCUSED = "(() => {" + _SELECTOR + r"""
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const rendered = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const onScreen = (e) => { const b = e.getBoundingClientRect();
                            return rendered(e) && b.width > 0 && b.height > 0 && b.right > 0 && b.bottom > 0; };
  const ring = (e) => {
    const s = getComputedStyle(e);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  };
  const labels = el.labels ? [...el.labels].filter(onScreen) : [];
  const lang = el.closest('[lang]');
  return {tag: el.tagName.toLowerCase(), id: el.id || null, role: el.getAttribute('role'), type: el.type || null,
          name: (el.getAttribute('aria-label') || labels.map(shortText).join(' ') || shortText(el) || el.value || '')
                .slice(0, 80),
          selector: selectorOf(el), lang: lang ? lang.lang : null,
          on_screen: onScreen(el) || labels.length > 0,
          focus_shown: (onScreen(el) && ring(el)) || labels.some(ring),
          checked: typeof el.checked === 'boolean' ? el.checked : null,
          open: el.tagName === 'SUMMARY' && el.parentElement ? el.parentElement.open : null};
})()"""
