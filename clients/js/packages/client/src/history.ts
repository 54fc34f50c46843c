import * as Y from 'yjs'
import { Emitter } from './emitter.js'

/**
 * Undo and redo of this client's own changes (a Y.UndoManager whose tracked origin is the room's
 * local origin: remote changes are never undone, and undoing a change merges with whatever others
 * did since). Each transaction is one step: use `room.batch` to group writes, or `pause()` /
 * `resume()` to merge everything in between (a drag, a stroke) into one step.
 */
export class History {
  readonly undoManager: Y.UndoManager
  private events = new Emitter<{ change: [] }>()
  private paused = 0

  constructor(doc: Y.Doc, origin: unknown) {
    this.undoManager = new Y.UndoManager([], {
      doc,
      trackedOrigins: new Set([origin]),
      captureTimeout: 0
    })
    const changed = () => this.events.emit('change')
    this.undoManager.on('stack-item-added', changed)
    this.undoManager.on('stack-item-popped', changed)
    this.undoManager.on('stack-cleared', changed)
  }

  /** Adds a root type to what is tracked (the storage does this for every declared root). */
  track(type: Y.AbstractType<any>): void {
    this.undoManager.addToScope(type)
  }

  /** Reverts this client's last step; returns whether there was one. */
  undo(): boolean {
    return this.undoManager.undo() !== null
  }

  redo(): boolean {
    return this.undoManager.redo() !== null
  }

  canUndo(): boolean {
    return this.undoManager.canUndo()
  }

  canRedo(): boolean {
    return this.undoManager.canRedo()
  }

  /** Merges every change until the matching `resume()` into one undo step. Calls nest. */
  pause(): void {
    if (this.paused++ === 0) {
      this.undoManager.stopCapturing()
      this.undoManager.captureTimeout = Number.MAX_SAFE_INTEGER
    }
  }

  resume(): void {
    if (this.paused === 0) return
    if (--this.paused === 0) {
      this.undoManager.captureTimeout = 0
      this.undoManager.stopCapturing()
    }
  }

  get isPaused(): boolean {
    return this.paused > 0
  }

  /** Forgets every undo and redo step. */
  clear(): void {
    this.undoManager.clear()
  }

  /** Calls `cb` when the undo or redo stack changes. */
  subscribe(cb: () => void): () => void {
    return this.events.on('change', cb)
  }

  destroy(): void {
    this.events.clear()
    this.undoManager.destroy()
  }
}
