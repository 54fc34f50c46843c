import { memo } from 'react'
import type { Shape } from './shapes'

/** One shape; `outline` draws a selection frame in that colour. */
export const ShapeView = memo(function ShapeView({ shape, outline }: { shape: Shape; outline?: string }) {
  const common = { 'data-id': shape.id, 'data-shape': shape.type, style: { cursor: 'inherit' } }
  if (shape.type === 'path') {
    const pts = shape.points
    let d = ''
    for (let i = 0; i + 1 < pts.length; i += 2) d += `${i ? 'L' : 'M'}${pts[i]} ${pts[i + 1]}`
    return (
      <g transform={`translate(${shape.x} ${shape.y})`} {...common}>
        {outline && <path d={d} fill="none" stroke={outline} strokeWidth={shape.width + 8} strokeOpacity={0.35} strokeLinecap="round" strokeLinejoin="round" />}
        <path d={d} fill="none" stroke="transparent" strokeWidth={Math.max(14, shape.width)} strokeLinecap="round" pointerEvents="stroke" />
        <path d={d} fill="none" stroke={shape.color} strokeWidth={shape.width} strokeLinecap="round" strokeLinejoin="round" pointerEvents="none" />
      </g>
    )
  }
  const { x, y, w, h } = shape
  const body =
    shape.type === 'rect' ? (
      <rect x={x} y={y} width={w} height={h} rx={4} fill={shape.color} fillOpacity={0.85} />
    ) : (
      <ellipse cx={x + w / 2} cy={y + h / 2} rx={w / 2} ry={h / 2} fill={shape.color} fillOpacity={0.85} />
    )
  return (
    <g {...common}>
      {body}
      {outline && <rect x={x - 4} y={y - 4} width={w + 8} height={h + 8} fill="none" stroke={outline} strokeWidth={2} strokeDasharray="6 3" pointerEvents="none" />}
    </g>
  )
})
