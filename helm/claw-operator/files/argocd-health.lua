-- Argo CD health check for claw.io/ClawInstance (docs/operations.md, "GitOps").
-- Reads what the operator writes: observedGeneration, phase, and the kstatus conditions
-- Stalled and Reconciling, which are present only while True.
local hs = {status = "Progressing", message = "Waiting for the operator to report a status"}
if obj.status == nil then
  return hs
end
local status = obj.status
if obj.metadata ~= nil and obj.metadata.generation ~= nil and status.observedGeneration ~= nil
    and status.observedGeneration < obj.metadata.generation then
  hs.message = "Waiting for the operator to see generation " .. obj.metadata.generation
  return hs
end
local conditions = {}
for _, condition in ipairs(status.conditions or {}) do
  conditions[condition.type] = condition
end
local function isTrue(type)
  return conditions[type] ~= nil and conditions[type].status == "True"
end
if isTrue("Stalled") then
  hs.status = "Degraded"
  hs.message = conditions["Stalled"].message or status.message
  return hs
end
if status.phase == "Stopped" then
  hs.status = "Suspended"
  hs.message = status.message
  return hs
end
if isTrue("Reconciling") then
  hs.message = conditions["Reconciling"].message or status.message
  return hs
end
if status.phase == "Succeeded" or isTrue("Ready") then
  hs.status = "Healthy"
  hs.message = status.message
  return hs
end
hs.message = status.message or hs.message
return hs
