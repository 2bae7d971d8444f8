-- Headless Neovim session driven by test/clients/editors.test.ts, through a shipped client config: NVIM_CONFIG=legacy
-- (client-examples/neovim/lua/testgap.lua, any version) or native (client-examples/neovim/lsp/testgap.lua with
-- vim.lsp.enable, Neovim 0.11+; the server must then be on PATH as `testgap`, as the config expects): open a source file of the example project, wait for testgap's
-- diagnostics, pick "Generate tests for `Cart.fromItems`" through Neovim's own code action path (vim.ui.select,
-- codeAction/resolve, apply_workspace_edit), save everything, wait for the diagnostic to go, save the source and wait
-- for the coverage notification. Prints what it sees; exits 0 on success, 1 with a FAIL line otherwise.
local function out(...) io.stdout:write(table.concat({ ... }, ' ') .. '\n') end
local function fail(msg)
  out('FAIL: ' .. msg)
  vim.cmd('cquit 1')
end

local project = assert(os.getenv('PROJECT'))
local server = assert(os.getenv('TESTGAP_SERVER'))
local examples = assert(os.getenv('CLIENT_EXAMPLES'))
local timeout = tonumber(os.getenv('STEP_TIMEOUT_MS') or '120000')

local v = vim.version()
out(string.format('nvim %d.%d.%d', v.major, v.minor, v.patch))
vim.opt.runtimepath:prepend(examples .. '/neovim')
vim.cmd('filetype on')

local coverage = {}
if os.getenv('NVIM_CONFIG') == 'native' then
  local shipped = vim.lsp.config.testgap.handlers['testgap/coverage']
  vim.lsp.config('testgap', {
    handlers = {
      ['testgap/coverage'] = function(err, params, ctx)
        table.insert(coverage, params)
        return shipped(err, params, ctx)
      end,
    },
  })
  vim.lsp.enable('testgap')
  out('config: lsp/testgap.lua with vim.lsp.enable')
else
  require('testgap').setup({
    cmd = { 'node', server, 'lsp', '--stdio' },
    on_coverage = function(params) table.insert(coverage, params) end,
  })
  out('config: lua/testgap.lua')
end

local source = project .. '/src/cart.ts'
vim.cmd('edit ' .. vim.fn.fnameescape(source))
local bufnr = vim.api.nvim_get_current_buf()
out('filetype: ' .. vim.bo[bufnr].filetype)

local function testgap_diagnostics()
  return vim.tbl_filter(function(d) return d.source == 'testgap' end, vim.diagnostic.get(bufnr))
end

if not vim.wait(timeout, function() return #testgap_diagnostics() > 0 end, 50) then fail('no testgap diagnostics') end
local target
for _, d in ipairs(testgap_diagnostics()) do
  out(string.format('diagnostic: %d:%d %s', d.lnum + 1, d.col + 1, d.message))
  if d.message:find('Cart.fromItems', 1, true) then target = d end
end
if not target then fail('no diagnostic for Cart.fromItems') end

-- Neovim's own code action path: our vim.ui.select stands in for the user picking the action.
local title = 'Generate tests for `Cart.fromItems`'
local offered = {}
vim.ui.select = function(items, _, on_choice)
  for i, item in ipairs(items) do
    local action = item[2] or item.action or item
    table.insert(offered, action.title)
    if action.title == title then return on_choice(item, i) end
  end
  on_choice(nil, nil)
end
vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
vim.lsp.buf.code_action()
local test_file = project .. '/test/cart.test.ts'
local function test_buffer_has_section()
  local b = vim.fn.bufnr(test_file)
  if b < 0 or vim.fn.bufloaded(b) == 0 then return false end
  return table.concat(vim.api.nvim_buf_get_lines(b, 0, -1, false), '\n'):find('// testgap: src/cart.ts#Cart.fromItems', 1, true) ~= nil
end
if not vim.wait(timeout, test_buffer_has_section, 50) then fail('the edit was not applied; offered: ' .. table.concat(offered, ' | ')) end
out('offered: ' .. table.concat(offered, ' | '))
out('applied: ' .. title .. ' -> ' .. vim.fn.fnamemodify(test_file, ':~:.'))

vim.cmd('silent wall')
local function mentions_target()
  for _, d in ipairs(testgap_diagnostics()) do
    if d.message:find('Cart.fromItems', 1, true) then return true end
  end
  return false
end
if not vim.wait(timeout, function() return not mentions_target() end, 50) then fail('the diagnostic for Cart.fromItems stayed') end
out('diagnostic for Cart.fromItems gone; now: ' .. #testgap_diagnostics() .. ' testgap diagnostics')

-- Saving the source: the server re-runs the affected tests under coverage and says so.
vim.api.nvim_set_current_buf(bufnr)
local seen = #coverage
vim.cmd('silent write')
local result
if not vim.wait(timeout, function()
  for i = seen + 1, #coverage do
    if not coverage[i].stale then result = coverage[i] return true end
  end
  return false
end, 50) then fail('no testgap/coverage notification after saving the source') end
for _, f in ipairs(result.files) do
  if f.uri == vim.uri_from_fname(source) then
    out(string.format('coverage: src/cart.ts lines %s %%, branches %s %%', f.lines.pct, f.branches.pct))
  end
end
out(string.format('coverage total: lines %s %% (%d test files)', result.total.lines.pct, #result.tests))
out('statusline: ' .. tostring(vim.g.testgap_coverage))
out('OK')
vim.cmd('qa!')
