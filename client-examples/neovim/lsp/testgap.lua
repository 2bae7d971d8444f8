-- testgap for Neovim 0.11+. Put this file on 'runtimepath' as lsp/testgap.lua (copy it to ~/.config/nvim/lsp/, or
-- add client-examples/neovim to 'runtimepath'), then:
--
--   vim.lsp.enable('testgap')
--
-- and, to change settings (protocol.md lists them all):
--
--   vim.lsp.config('testgap', { settings = { testgap = { coverageTargets = { unit = 90 } } } })
--
-- Neovim 0.7 to 0.10: use lua/testgap.lua instead (require('testgap').setup()).
return {
  -- The project's own testgap (npm i -D testgap), else one on PATH. `config` is passed from Neovim 0.12 on; on
  -- 0.11 the current folder stands in for the root.
  cmd = function(dispatchers, config)
    local root = (config and config.root_dir) or vim.fn.getcwd()
    local bin = root .. '/node_modules/.bin/testgap'
    if vim.fn.executable(bin) ~= 1 then bin = 'testgap' end
    return vim.lsp.rpc.start({ bin, 'lsp', '--stdio' }, dispatchers, { cwd = root })
  end,
  filetypes = { 'typescript', 'typescriptreact', 'javascript', 'javascriptreact' },
  root_markers = { 'package.json', '.git' },
  settings = { testgap = {} },
  handlers = {
    -- The coverage figures after each run, for a statusline: %{get(g:, 'testgap_coverage', '')}
    ['testgap/coverage'] = function(_, params)
      if params.stale or not params.total then
        vim.g.testgap_coverage = 'testgap: measuring…'
      else
        vim.g.testgap_coverage = string.format('testgap: %.1f %% lines', params.total.lines.pct)
      end
    end,
  },
}
