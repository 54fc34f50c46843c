// The whiteboard in a real browser: two users in one room draw and see each other's shapes,
// cursors and avatars; undo reverts only one's own strokes; a reload keeps the drawing; a server
// restart mid-session reconnects and loses nothing (including what was drawn while it was down).
// Screenshots: tests/out/browser/*.png.
import fs from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, TestServer, serverKind } from '../../clients/js/test/support/server.js'

const SHOTS = path.join(ROOT, 'tests/out/browser')
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const room = `e2e-${Date.now().toString(36)}`

let server: TestServer
let browser: Browser
const contexts: BrowserContext[] = []
let alice: Page
let bob: Page

async function openBoard(name: string, color: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 650 } })
  contexts.push(context)
  const page = await context.newPage()
  page.on('pageerror', (err) => console.error(`[${name}] page error: ${err.message}`))
  page.on('console', (msg) => {
    // Refused connections while the server restarts are expected.
    if (msg.type() === 'error' && !/ERR_CONNECTION_REFUSED/.test(msg.text())) console.error(`[${name}] console: ${msg.text()}`)
  })
  await page.goto(`${server.httpUrl}/?room=${room}&name=${name}&color=${encodeURIComponent(color)}`)
  await waitStatus(page, 'saved')
  return page
}

const waitStatus = (page: Page, status: string | RegExp, timeout = 20000) =>
  page.waitForFunction(
    (re) => new RegExp(re).test(document.querySelector('[data-testid=status]')?.getAttribute('data-status') ?? ''),
    typeof status === 'string' ? `^${status}$` : status.source,
    { timeout }
  )

const shapeCount = (page: Page, type?: string) => page.locator(type ? `[data-shape=${type}]` : '[data-shape]').count()

async function waitShapes(page: Page, n: number, type?: string) {
  const sel = type ? `[data-shape=${type}]` : '[data-shape]'
  await page.waitForFunction(([s, k]) => document.querySelectorAll(s as string).length === k, [sel, n] as const, { timeout: 15000 })
}

async function stroke(page: Page, points: Array<[number, number]>) {
  await page.getByTestId('tool-pen').click()
  await page.mouse.move(...points[0])
  await page.mouse.down()
  for (const p of points.slice(1)) await page.mouse.move(p[0], p[1], { steps: 4 })
  await page.mouse.up()
}

async function box(page: Page, tool: 'rect' | 'ellipse', from: [number, number], to: [number, number], color?: string) {
  await page.getByTestId(`tool-${tool}`).click()
  if (color) await page.getByTestId(`color-${color}`).click()
  await page.mouse.move(...from)
  await page.mouse.down()
  await page.mouse.move(to[0], to[1], { steps: 8 })
  await page.mouse.up()
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) })
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true })
  const dist = path.join(ROOT, 'examples/whiteboard/dist')
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error('build the demo first: npm run --workspace examples/whiteboard build')
  server = await new TestServer({ staticDir: dist, name: 'browser' }).start()
  console.log(`browser tests against: ${server.kind} (${serverKind().why}) at ${server.httpUrl}`)
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
})

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {})
  await browser?.close()
  await server?.close()
})

describe('whiteboard in Chromium', () => {
  it('the single-player starting point works without a server', async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 650 } })
    contexts.push(context)
    const page = await context.newPage()
    await page.goto(`${server.httpUrl}/?single`)
    await stroke(page, [[200, 200], [260, 240], [320, 220], [380, 280]])
    await box(page, 'rect', [450, 200], [600, 320], '#3b82f6')
    expect(await shapeCount(page)).toBe(2)
    await page.getByTestId('undo').click()
    expect(await shapeCount(page)).toBe(1)
    await shot(page, '0-single-player')
    await context.close()
  })

  it('two users draw in one room and see each other’s shapes, cursors and avatars', async () => {
    alice = await openBoard('Alice', '#e11d48')
    bob = await openBoard('Bob', '#2563eb')
    await stroke(alice, [[150, 200], [200, 260], [260, 230], [320, 300], [380, 260]])
    await box(bob, 'rect', [500, 180], [680, 320], '#10b981')
    await box(bob, 'ellipse', [560, 380], [760, 520], '#f59e0b')
    for (const p of [alice, bob]) {
      await waitShapes(p, 3)
      expect(await shapeCount(p, 'path')).toBe(1)
      expect(await shapeCount(p, 'rect')).toBe(1)
      expect(await shapeCount(p, 'ellipse')).toBe(1)
    }
    // Cursors: each sees the other's pointer with their name.
    await alice.mouse.move(420, 420, { steps: 5 })
    await bob.mouse.move(300, 480, { steps: 5 })
    await bob.getByTestId('cursor').filter({ hasText: 'Alice' }).waitFor({ timeout: 10000 })
    await alice.getByTestId('cursor').filter({ hasText: 'Bob' }).waitFor({ timeout: 10000 })
    expect(await alice.getByTestId('avatar').count()).toBe(2)
    expect(await bob.getByTestId('avatar').count()).toBe(2)
    expect(await bob.getByTestId('avatar').nth(1).getAttribute('title')).toBe('Alice')
    await waitStatus(alice, 'saved')
    await waitStatus(bob, 'saved')
    await shot(alice, '1-alice-two-users')
    await shot(bob, '1-bob-two-users')
  })

  it('a reaction (broadcast event) reaches the other user once, and not the sender', async () => {
    await alice.getByTestId('react-★').click()
    const got = bob.getByTestId('reaction').filter({ hasText: 'Alice' })
    await got.waitFor({ timeout: 10000 })
    expect(await got.innerText()).toContain('★')
    await shot(bob, '1-bob-sees-reaction')
    await alice.mouse.move(430, 430) // a presence update re-sends the recent events: still one
    await bob.waitForTimeout(300)
    expect(await bob.getByTestId('reaction').count()).toBe(1)
    expect(await alice.getByTestId('reaction').count()).toBe(0)
  })

  it('selecting and moving a shape moves it for the other user too', async () => {
    await alice.getByTestId('tool-select').click()
    const rect = alice.locator('[data-shape=rect] rect').first()
    const before = await bob.locator('[data-shape=rect] rect').first().getAttribute('x')
    const b = (await rect.boundingBox())!
    await alice.mouse.move(b.x + 20, b.y + 20)
    await alice.mouse.down()
    await alice.mouse.move(b.x + 80, b.y + 60, { steps: 6 })
    await alice.mouse.up()
    const want = String(Number(before) + 60)
    await bob.waitForFunction((x) => document.querySelector('[data-shape=rect] rect')?.getAttribute('x') === x, want, { timeout: 10000 })
    // Bob sees Alice's selection outline (dashed frame).
    await bob.locator('[data-shape=rect] rect[stroke-dasharray]').waitFor({ timeout: 10000 })
    await shot(bob, '2-bob-sees-move-and-selection')
  })

  it('undo reverts only one’s own changes, for everyone', async () => {
    // Alice's last step was the move; undo it, then undo her stroke.
    await alice.getByTestId('undo').click()
    await alice.getByTestId('undo').click()
    for (const p of [alice, bob]) {
      await waitShapes(p, 0, 'path')
      expect(await shapeCount(p, 'rect')).toBe(1)
      expect(await shapeCount(p, 'ellipse')).toBe(1)
    }
    expect(await alice.getByTestId('undo').isDisabled()).toBe(true)
    // Bob's undo removes his last shape (the ellipse), not Alice's.
    await bob.keyboard.press('Control+z')
    await waitShapes(alice, 0, 'ellipse')
    expect(await shapeCount(alice, 'rect')).toBe(1)
    // Redo both.
    await bob.getByTestId('redo').click()
    await alice.getByTestId('redo').click()
    await waitShapes(bob, 3)
    await waitShapes(alice, 3)
    await waitStatus(alice, 'saved')
    await shot(bob, '3-bob-after-undo-redo')
  })

  it('a reload keeps the drawing', async () => {
    await waitStatus(bob, 'saved')
    await bob.reload()
    await waitStatus(bob, 'saved')
    await waitShapes(bob, 3)
    await shot(bob, '4-bob-after-reload')
  })

  it('a server restart mid-session reconnects and loses nothing', async () => {
    await server.stop()
    await waitStatus(alice, /^(disconnected|connecting)$/)
    await waitStatus(bob, /^(disconnected|connecting)$/)
    // Drawn while the server is down: kept locally, shown as not saved.
    await stroke(alice, [[120, 480], [180, 520], [240, 470], [300, 540]])
    await box(bob, 'rect', [760, 150], [900, 260], '#8b5cf6')
    expect(await shapeCount(alice)).toBe(4)
    await shot(alice, '5-alice-offline')
    await server.start()
    await waitStatus(alice, 'saved', 30000)
    await waitStatus(bob, 'saved', 30000)
    await waitShapes(alice, 5)
    await waitShapes(bob, 5)
    // A newcomer gets everything from the server.
    const carol = await openBoard('Carol', '#16a34a')
    await waitShapes(carol, 5)
    // Every point of every stroke made it (the offline stroke too).
    const paths = (p: Page) => p.locator('[data-shape=path] path:last-child').evaluateAll((els) => els.map((e) => e.getAttribute('d')).sort())
    const alicePaths = await paths(alice)
    expect(alicePaths.length).toBe(2)
    for (const d of alicePaths) expect(d!.split('L').length).toBeGreaterThan(10)
    expect(await paths(carol)).toEqual(alicePaths)
    expect(await paths(bob)).toEqual(alicePaths)
    expect(await carol.getByTestId('avatar').count()).toBe(3)
    await shot(alice, '6-alice-after-restart')
    await shot(carol, '6-carol-newcomer')
  })
})
