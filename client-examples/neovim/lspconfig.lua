-- testgap with nvim-lspconfig (which has no entry for it): register it once, then set it up like any server.
local configs = require('lspconfig.configs')
if not configs.testgap then
  configs.testgap = {
    default_config = {
      cmd = { 'testgap', 'lsp', '--stdio' }, -- or { vim.fn.getcwd() .. '/node_modules/.bin/testgap', 'lsp', '--stdio' }
      filetypes = { 'typescript', 'typescriptreact', 'javascript', 'javascriptreact' },
      root_dir = require('lspconfig.util').root_pattern('package.json', '.git'),
      settings = { testgap = {} },
    },
  }
end
require('lspconfig').testgap.setup({
  -- settings = { testgap = { coverageTargets = { unit = 90 } } },
})
