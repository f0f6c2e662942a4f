-- Neovim's own LSP client, headless, against `hocr lsp`: opens the rule
-- file given on the command line, prints the diagnostics the server
-- publishes and the hover on the file's first rule code, then quits.
--
--   nvim --headless -u NONE -c 'luafile scripts/nvim-lsp.lua' rules/recording.hocr
--
-- `HOCR=path/to/hocr` chooses the binary (default: `hocr` on PATH).
-- Works with Neovim 0.7 (`vim.lsp.start_client`) and 0.8+ (`vim.lsp.start`).

local function say(s)
  io.stdout:write(s .. '\n')
end

local buf = vim.api.nvim_get_current_buf()
local file = vim.api.nvim_buf_get_name(buf)
vim.bo[buf].filetype = 'hocr'

local published = false
local default = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and vim.uri_to_fname(result.uri) == file then
    published = true
  end
  return default(err, result, ctx, config)
end

local config = {
  name = 'hocr',
  cmd = { vim.env.HOCR or 'hocr', 'lsp' },
  root_dir = vim.fn.fnamemodify(file, ':p:h'),
}
local client
if vim.lsp.start then
  client = vim.lsp.start(config)
else
  client = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, client)
end

if not vim.wait(15000, function() return published end, 20) then
  say('no diagnostics published')
  vim.cmd('cquit 1')
end
local diagnostics = vim.diagnostic.get(buf)
say(('diagnostics: %d'):format(#diagnostics))
for _, d in ipairs(diagnostics) do
  say(('  %d:%d %s %s'):format(d.lnum + 1, d.col + 1, d.code or '', (d.message:gsub('\n', ' | '))))
end

-- Hover on the first rule's code.
for n, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  local col = line:find('^rule ')
  if col then
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = n - 1, character = 5 },
    }
    local replies = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 10000) or {}
    for _, reply in pairs(replies) do
      if reply.result then
        say('hover:')
        say(reply.result.contents.value)
      end
    end
    break
  end
end

vim.lsp.stop_client(client)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client) == nil end, 20)
vim.cmd('qa!')
