-- testgap for Neovim 0.7 to 0.10 (on 0.11+ prefer lsp/testgap.lua with vim.lsp.enable; this module works there too).
--
--   require('testgap').setup({
--     -- cmd = { 'testgap', 'lsp', '--stdio' },   -- default: <project>/node_modules/.bin/testgap, else testgap on PATH
--     settings = { testgap = { coverageTargets = { unit = 85, integration = 70 } } },
--   })
--
-- It starts one client per project (the folder of the nearest package.json) for TypeScript and JavaScript buffers,
-- answers workspace/configuration from `settings`, and shows the `testgap/coverage` notification's totals in
-- `vim.b.testgap_coverage` / `vim.g.testgap_coverage` (for a statusline) and as a message.
local M = {}

M.filetypes = { 'typescript', 'typescriptreact', 'javascript', 'javascriptreact' }

--- Latest `testgap/coverage` params per project root URI.
M.coverage = {}

local function find_root(path)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local found = vim.fn.findfile('package.json', dir .. ';')
  if found == '' then return dir end
  return vim.fn.fnamemodify(found, ':p:h')
end

local function default_cmd(root)
  local local_bin = root .. '/node_modules/.bin/testgap'
  if vim.fn.executable(local_bin) == 1 then return { local_bin, 'lsp', '--stdio' } end
  return { 'testgap', 'lsp', '--stdio' }
end

local function on_coverage(opts)
  return function(_, params)
    M.coverage[params.root] = params
    if params.stale or not params.total then
      vim.g.testgap_coverage = 'testgap: measuring…'
    else
      vim.g.testgap_coverage = string.format('testgap: %.1f %% lines, %.1f %% branches', params.total.lines.pct, params.total.branches.pct)
    end
    if opts.on_coverage then opts.on_coverage(params) end
  end
end

local function start(opts, bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or name:find('/node_modules/', 1, true) then return end
  local root = find_root(name)
  local config = {
    name = 'testgap',
    cmd = opts.cmd or default_cmd(root),
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    settings = opts.settings or { testgap = {} },
    init_options = opts.init_options,
    handlers = vim.tbl_extend('force', { ['testgap/coverage'] = on_coverage(opts) }, opts.handlers or {}),
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
  }
  if vim.lsp.start then
    -- 0.8+: reuses the client of the same name and root.
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  -- 0.7: one client per root, attached to each buffer by hand.
  M._clients = M._clients or {}
  local id = M._clients[root]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    M._clients[root] = id
  end
  if id then vim.lsp.buf_attach_client(bufnr, id) end
  return id
end

function M.setup(opts)
  opts = opts or {}
  local group = vim.api.nvim_create_augroup('testgap', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = opts.filetypes or M.filetypes,
    callback = function(args) start(opts, args.buf) end,
  })
  -- Buffers already open when setup runs.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes or M.filetypes, vim.bo[bufnr].filetype) then
      start(opts, bufnr)
    end
  end
end

return M
