import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { SinglePlayer } from './SinglePlayer'
import './styles.css'

// `?single` shows the single-player starting point (no server involved).
const single = new URLSearchParams(location.search).has('single')
createRoot(document.getElementById('root')!).render(<StrictMode>{single ? <SinglePlayer /> : <App />}</StrictMode>)
