// Small DOM helpers: element creation without innerHTML, so no text from the server is ever
// parsed as markup.

const SVG_NS = 'http://www.w3.org/2000/svg'

function apply (el, props, children) {
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue
    if (k === 'class') el.setAttribute('class', v)
    else if (k === 'dataset') Object.assign(el.dataset, v)
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v)
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v)
    else if (k === 'text') el.textContent = v
    else el.setAttribute(k, v === true ? '' : String(v))
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue
    el.append(c instanceof Node ? c : document.createTextNode(String(c)))
  }
  return el
}

// h('a', { href: '#/', class: 'x', onclick: fn, dataset: { id: 1 } }, 'text', child, [more])
export const h = (tag, props, ...children) => apply(document.createElement(tag), props, children)

// The same for SVG elements.
export const s = (tag, props, ...children) => apply(document.createElementNS(SVG_NS, tag), props, children)

// Replaces every child of `el`.
export function replaceChildren (el, ...children) {
  el.replaceChildren()
  apply(el, {}, children)
}
