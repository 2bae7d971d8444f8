// A parsed address: its parts are getters, which tests read through `toMatchObject`.
export class Address {
  readonly #url: URL

  constructor(text: string) {
    this.#url = new URL(text.includes("://") ? text : `https://${text}`)
  }

  get hostname(): string {
    return this.#url.hostname
  }

  get path(): string {
    return this.#url.pathname === "/" ? "" : this.#url.pathname
  }

  get secure(): boolean {
    return this.#url.protocol === "https:"
  }
}

export function joinPath(base: string, ...parts: string[]): string {
  const segments = [base, ...parts].map((p, i) =>
    i === 0 ? p.replace(/\/+$/, "") : p.replace(/^\/+|\/+$/g, ""),
  )
  return segments.filter((s, i) => i === 0 || s.length > 0).join("/")
}

export function queryOf(params: Record<string, string | number | undefined>): string {
  const pairs = Object.entries(params).filter(([, v]) => v !== undefined)
  if (pairs.length === 0) return ""
  return (
    "?" +
    pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&")
  )
}
