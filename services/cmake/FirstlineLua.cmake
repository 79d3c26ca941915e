# Redis scripts live as .lua files beside the C++ that loads them. At build time each one is
# embedded into a generated header, so binaries never depend on the source tree at run time.
#
#   firstline_embed_lua(<target> <file.lua>...)
#
# For services/platform/outbox/outbox_ack.lua the target gains the include
# "outbox/outbox_ack.lua.h" (relative to the target's source dir), defining
# `inline constexpr std::string_view kOutboxAckLua`.
#   firstline_embed_lua(<target> PRELUDE <prelude.lua>... SCRIPTS <file.lua>...)
# prepends the preludes (shared helper functions), in order, to each script.
function(firstline_embed_lua target)
  cmake_parse_arguments(ARG "" "" "PRELUDE;SCRIPTS" ${ARGN})
  set(prelude "")
  foreach(p IN LISTS ARG_PRELUDE)
    list(APPEND prelude ${CMAKE_CURRENT_SOURCE_DIR}/${p})
  endforeach()
  set(prelude_dep ${prelude})
  string(REPLACE ";" "|" prelude_arg "${prelude}")
  set(out_root ${CMAKE_CURRENT_BINARY_DIR}/lua_embedded)
  foreach(lua_file IN LISTS ARG_UNPARSED_ARGUMENTS ARG_SCRIPTS)
    file(RELATIVE_PATH rel ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/${lua_file})
    get_filename_component(stem ${lua_file} NAME_WE)
    string(REPLACE "_" ";" parts ${stem})
    set(symbol "k")
    foreach(part IN LISTS parts)
      string(SUBSTRING ${part} 0 1 head)
      string(TOUPPER ${head} head)
      string(SUBSTRING ${part} 1 -1 tail)
      string(APPEND symbol "${head}${tail}")
    endforeach()
    string(APPEND symbol "Lua")
    set(header ${out_root}/${rel}.h)
    add_custom_command(
      OUTPUT ${header}
      COMMAND ${CMAKE_COMMAND} -DIN=${CMAKE_CURRENT_SOURCE_DIR}/${lua_file} -DOUT=${header}
              -DSYMBOL=${symbol} "-DPRELUDE=${prelude_arg}" -P ${PROJECT_SOURCE_DIR}/services/cmake/EmbedLua.cmake
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${lua_file} ${prelude_dep}
              ${PROJECT_SOURCE_DIR}/services/cmake/EmbedLua.cmake
      COMMENT "Embedding ${rel}"
      VERBATIM)
    target_sources(${target} PRIVATE ${header})
  endforeach()
  target_include_directories(${target} PRIVATE ${out_root})
endfunction()
